import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";

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

/** Frames pushed in by the simulator's renderer. */
export const SimulatorSourceConfig = z.strictObject({ type: z.literal("simulator") });
export type SimulatorSourceConfig = z.infer<typeof SimulatorSourceConfig>;

export const CameraSourceConfig = z.discriminatedUnion("type", [
  FolderSourceConfig,
  HttpSnapshotSourceConfig,
  MjpegSourceConfig,
  SimulatorSourceConfig,
]);
export type CameraSourceConfig = z.infer<typeof CameraSourceConfig>;
export type CameraSourceConfigInput = z.input<typeof CameraSourceConfig>;

/** Validates a camera source config; the error names each bad field under `root` (`camera.fps: …`). */
export function parseCameraSourceConfig(value: unknown, root = "camera"): CameraSourceConfig {
  return parseOrThrow(CameraSourceConfig, value, root);
}
