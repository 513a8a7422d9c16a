import type { CameraSource } from "./camera-source.js";
import { rtspArgs, rtspLabel, v4l2Args } from "./ffmpeg-args.js";
import { FfmpegSource } from "./ffmpeg-source.js";
import { parseCameraSourceConfig, type CameraSourceConfigInput } from "./config.js";
import { FolderSource } from "./folder-source.js";
import { HttpSnapshotSource } from "./http-snapshot-source.js";
import { MjpegSource } from "./mjpeg-source.js";
import { PushSource } from "./push-source.js";
import type { CameraSourceOptions } from "./source-runtime.js";
import { ValidationError } from "../../../protocol/index.js";

/**
 * Retrying a camera costs one ffmpeg start, so waits stay short: a camera back from a power cut
 * is counting again within about 5 s, however long it was away.
 */
const FFMPEG_BACKOFF = { maxMs: 5000 };

type SimulatorInput = Extract<CameraSourceConfigInput, { type: "simulator" }>;

/**
 * The camera source a config asks for. The config is validated first; a bad one throws a
 * ValidationError naming the field (`camera.fps: …`). A `simulator` config gives a PushSource,
 * typed as such so the renderer can push into it.
 */
export function createCameraSource(config: SimulatorInput, options?: CameraSourceOptions): PushSource;
export function createCameraSource(config: CameraSourceConfigInput, options?: CameraSourceOptions): CameraSource;
export function createCameraSource(config: unknown, options: CameraSourceOptions = {}): CameraSource {
  const parsed = parseCameraSourceConfig(config);
  switch (parsed.type) {
    case "folder":
      return new FolderSource(parsed, options);
    case "http-snapshot":
      return new HttpSnapshotSource(parsed, options);
    case "mjpeg":
      return new MjpegSource(parsed, options);
    case "rtsp": {
      options = { ...options, backoff: { ...FFMPEG_BACKOFF, ...options.backoff } };
      const size = frameSizeOf(parsed, options);
      const args = rtspArgs(parsed, { fps: parsed.fps, ...size });
      return new FfmpegSource({ label: rtspLabel(parsed.url), args, ...size, timeoutMs: parsed.timeoutMs, ...ffmpegPathOf(options) }, options);
    }
    case "v4l2": {
      options = { ...options, backoff: { ...FFMPEG_BACKOFF, ...options.backoff } };
      const size = frameSizeOf(parsed, options);
      const args = v4l2Args(parsed, { fps: parsed.fps, ...size });
      return new FfmpegSource({ label: parsed.device, args, ...size, timeoutMs: parsed.timeoutMs, ...ffmpegPathOf(options) }, options);
    }
    case "simulator":
      return new PushSource(options);
  }
}

/** The size ffmpeg scales to: the source's own, else the camera configuration's (zones are drawn at it). */
function frameSizeOf(config: { width?: number | undefined; height?: number | undefined }, options: CameraSourceOptions): { width: number; height: number } {
  if (config.width !== undefined && config.height !== undefined) return { width: config.width, height: config.height };
  if (options.frameSize) return options.frameSize;
  throw new ValidationError("camera.width: an rtsp or v4l2 camera needs a frame size (width and height, or the camera configuration's)");
}

function ffmpegPathOf(options: CameraSourceOptions): { ffmpegPath?: string } {
  return options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath };
}
