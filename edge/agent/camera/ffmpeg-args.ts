/**
 * ffmpeg command lines for the cameras it decodes (pure: config in, argv out). Frames come out as
 * raw RGB at the agent's rate and size: measured on this project's bench, rawvideo costs ffmpeg
 * less CPU than re-encoding MJPEG (1.5 s against 1.9 s for 200 frames of 1280×720), and the agent
 * then skips a JPEG decode per frame (the built-in model box-averages raw frames straight into its
 * tensor).
 */

/** Hardware decoders ffmpeg may use (`-hwaccel`); `none` decodes on the CPU. */
export const HWACCELS = ["none", "auto", "drm", "vaapi", "cuda", "v4l2m2m"] as const;
export type Hwaccel = (typeof HWACCELS)[number];

export interface FfmpegOutput {
  fps: number;
  width: number;
  height: number;
}

export interface RtspInput {
  url: string;
  transport: "tcp" | "udp";
  timeoutMs: number;
  username?: string | undefined;
  password?: string | undefined;
  hwaccel: Hwaccel;
  /** A named decoder (`h264_v4l2m2m`, `h264_cuvid`), or ffmpeg's default for the stream. */
  decoder?: string | undefined;
}

export interface V4l2Input {
  device: string;
  /** What the camera sends (`mjpeg`, `yuyv422`, `h264`); the driver's default when absent. */
  inputFormat?: string | undefined;
  /** Capture size asked of the camera, `1280x720`. */
  videoSize?: string | undefined;
  /** Capture rate asked of the camera. */
  captureFps?: number | undefined;
  hwaccel: Hwaccel;
  decoder?: string | undefined;
}

/** The URL with the configured credentials in it (ffmpeg answers basic and digest challenges itself). */
export function rtspUrlWithCredentials(input: Pick<RtspInput, "url" | "username" | "password">): string {
  const url = new URL(input.url);
  if (input.username !== undefined) {
    url.username = encodeURIComponent(input.username);
    url.password = encodeURIComponent(input.password ?? "");
  }
  return url.href;
}

/** Scheme, host and path only: safe for logs, health messages and status. */
export function rtspLabel(rawUrl: string): string {
  const url = new URL(rawUrl);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Removes `user:password@` from anything ffmpeg printed (it echoes the input URL in its errors). */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1***@");
}

export function rtspArgs(input: RtspInput, output: FfmpegOutput): string[] {
  return [
    ...COMMON_HEAD,
    ...decoderArgs(input),
    "-rtsp_transport",
    input.transport,
    // Socket I/O timeout in microseconds: a camera that goes silent ends ffmpeg, and we reconnect.
    "-timeout",
    String(input.timeoutMs * 1000),
    // Live view: no input buffering beyond what decoding needs.
    "-fflags",
    "nobuffer",
    "-i",
    rtspUrlWithCredentials(input),
    ...outputArgs(output),
  ];
}

export function v4l2Args(input: V4l2Input, output: FfmpegOutput): string[] {
  return [
    ...COMMON_HEAD,
    ...decoderArgs(input),
    "-f",
    "v4l2",
    ...(input.inputFormat === undefined ? [] : ["-input_format", input.inputFormat]),
    ...(input.videoSize === undefined ? [] : ["-video_size", input.videoSize]),
    ...(input.captureFps === undefined ? [] : ["-framerate", String(input.captureFps)]),
    "-i",
    input.device,
    ...outputArgs(output),
  ];
}

const COMMON_HEAD = ["-hide_banner", "-nostdin", "-loglevel", "error"];

function decoderArgs(input: { hwaccel: Hwaccel; decoder?: string | undefined }): string[] {
  return [...(input.hwaccel === "none" ? [] : ["-hwaccel", input.hwaccel]), ...(input.decoder === undefined ? [] : ["-c:v", input.decoder])];
}

function outputArgs(output: FfmpegOutput): string[] {
  return [
    "-an",
    "-sn",
    "-dn",
    // Drop to the agent's rate before converting, so only the frames used are scaled and converted.
    "-vf",
    `fps=${output.fps},scale=${output.width}:${output.height}`,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "pipe:1",
  ];
}
