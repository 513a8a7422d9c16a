import type { CameraSource } from "./camera-source.js";
import { parseCameraSourceConfig, type CameraSourceConfigInput } from "./config.js";
import { FolderSource } from "./folder-source.js";
import { HttpSnapshotSource } from "./http-snapshot-source.js";
import { MjpegSource } from "./mjpeg-source.js";
import { PushSource } from "./push-source.js";
import type { CameraSourceOptions } from "./source-runtime.js";

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
    case "simulator":
      return new PushSource(options);
  }
}
