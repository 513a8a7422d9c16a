import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";
import { HWACCELS } from "./ffmpeg-args.js";

const Fps = z.number().positive().max(120);
const TimeoutMs = z.number().int().min(50).max(120_000);
const HttpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });
const Credentials = {
  username: z.string().min(1).max(200).optional(),
  password: z.string().max(200).optional(),
};

function passwordNeedsUsername(c: { username?: string | undefined; password?: string | undefined }, ctx: z.RefinementCtx): void {
  if (c.password !== undefined && c.username === undefined) {
    ctx.addIssue({ code: "custom", path: ["password"], message: "a password needs a username" });
  }
}

export const FolderSourceConfig = z.strictObject({
  type: z.literal("folder"),
  path: z.string().min(1),
  fps: Fps.default(5),
  loop: z.boolean().default(true),
});
export type FolderSourceConfig = z.infer<typeof FolderSourceConfig>;

export const HttpSnapshotSourceConfig = z
  .strictObject({
    type: z.literal("http-snapshot"),
    url: HttpUrl,
    fps: Fps.default(2),
    timeoutMs: TimeoutMs.default(5_000),
    ...Credentials,
  })
  .superRefine(passwordNeedsUsername);
export type HttpSnapshotSourceConfig = z.infer<typeof HttpSnapshotSourceConfig>;

export const MjpegSourceConfig = z
  .strictObject({
    type: z.literal("mjpeg"),
    url: HttpUrl,
    fps: Fps.default(5),
    /** Longest silence (connecting, or between chunks) before the stream counts as failed. */
    timeoutMs: TimeoutMs.default(10_000),
    ...Credentials,
  })
  .superRefine(passwordNeedsUsername);
export type MjpegSourceConfig = z.infer<typeof MjpegSourceConfig>;

const RtspUrl = z.url({ protocol: /^rtsps?$/, error: "expected an rtsp:// or rtsps:// URL" });
/** ffmpeg decoder names: `h264_v4l2m2m`, `h264_cuvid`, `hevc`. */
const DecoderName = z.string().regex(/^[a-z0-9_]{1,40}$/, "expected an ffmpeg decoder name such as h264_v4l2m2m");
/** The frame size the model gets; the camera configuration's size when absent. */
const FrameSize = {
  width: z.number().int().min(16).max(7680).optional(),
  height: z.number().int().min(16).max(4320).optional(),
};
function sizeNeedsBoth(c: { width?: number | undefined; height?: number | undefined }, ctx: z.RefinementCtx): void {
  if ((c.width === undefined) !== (c.height === undefined)) {
    ctx.addIssue({ code: "custom", path: [c.width === undefined ? "width" : "height"], message: "give both width and height, or neither" });
  }
}

/** A network camera's RTSP stream (H.264/H.265), decoded by ffmpeg. Credentials may also sit in the URL. */
export const RtspSourceConfig = z
  .strictObject({
    type: z.literal("rtsp"),
    url: RtspUrl,
    fps: Fps.default(5),
    /** TCP (RTP interleaved in the RTSP connection) survives lossy links and NAT; UDP loses frames there. */
    transport: z.enum(["tcp", "udp"]).default("tcp"),
    /** Longest wait for the first frame, and between frames, before ffmpeg is restarted. */
    timeoutMs: TimeoutMs.default(10_000),
    /** ffmpeg `-hwaccel`: `none` decodes on the CPU. */
    hwaccel: z.enum(HWACCELS).default("none"),
    decoder: DecoderName.optional(),
    ...FrameSize,
    ...Credentials,
  })
  .superRefine(passwordNeedsUsername)
  .superRefine(sizeNeedsBoth);
export type RtspSourceConfig = z.infer<typeof RtspSourceConfig>;

/** A USB (UVC) or CSI camera through Video4Linux2, decoded by ffmpeg. */
export const V4l2SourceConfig = z
  .strictObject({
    type: z.literal("v4l2"),
    device: z.string().regex(/^\/dev\/[A-Za-z0-9_./-]+$/, "expected a device path such as /dev/video0"),
    fps: Fps.default(5),
    /** What the camera should send: `mjpeg` keeps USB 2 bandwidth low at 720p and above. */
    inputFormat: z.enum(["mjpeg", "yuyv422", "h264", "nv12"]).optional(),
    /** Capture size asked of the camera, `1280x720`. */
    videoSize: z.string().regex(/^\d{2,5}x\d{2,5}$/, "expected WIDTHxHEIGHT such as 1280x720").optional(),
    /** Capture rate asked of the camera (the agent still takes only `fps`). */
    captureFps: Fps.optional(),
    timeoutMs: TimeoutMs.default(10_000),
    hwaccel: z.enum(HWACCELS).default("none"),
    decoder: DecoderName.optional(),
    ...FrameSize,
  })
  .superRefine(sizeNeedsBoth);
export type V4l2SourceConfig = z.infer<typeof V4l2SourceConfig>;

/** Frames pushed in by the simulator's renderer. */
export const SimulatorSourceConfig = z.strictObject({ type: z.literal("simulator") });
export type SimulatorSourceConfig = z.infer<typeof SimulatorSourceConfig>;

export const CameraSourceConfig = z.discriminatedUnion("type", [
  FolderSourceConfig,
  HttpSnapshotSourceConfig,
  MjpegSourceConfig,
  RtspSourceConfig,
  V4l2SourceConfig,
  SimulatorSourceConfig,
]);
export type CameraSourceConfig = z.infer<typeof CameraSourceConfig>;
export type CameraSourceConfigInput = z.input<typeof CameraSourceConfig>;

/** Validates a camera source config; the error names each bad field under `root` (`camera.fps: …`). */
export function parseCameraSourceConfig(value: unknown, root = "camera"): CameraSourceConfig {
  return parseOrThrow(CameraSourceConfig, value, root);
}
