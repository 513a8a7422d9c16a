import { z } from "zod";
import { parseOrThrow } from "../../protocol/index.js";

/** Slow global brightness change: a sinusoid of `amplitude` (share of full brightness) over `periodS`. */
export const LightingDrift = z.strictObject({
  amplitude: z.number().min(0).max(0.5).default(0.08),
  periodS: z.number().min(10).max(86_400).default(1800),
});

/** How a simulated overhead camera sees one intersection. */
export const CameraRendererOptions = z.strictObject({
  width: z.number().int().min(64).max(4096).default(640),
  height: z.number().int().min(64).max(4096).default(360),
  /** Ground resolution; omitted: fit the intersection box plus `approachViewM` of every approach. */
  metersPerPixel: z.number().min(0.01).max(5).optional(),
  /** How much of each approach upstream of its stop line the view shows when `metersPerPixel` is omitted. */
  approachViewM: z.number().min(5).max(500).default(40),
  /** Sensor noise amplitude in 0–255 levels (triangular, ±noise). */
  noise: z.number().min(0).max(40).default(4),
  lightingDrift: LightingDrift.default({ amplitude: 0.08, periodS: 1800 }),
  /** Static shadows of trees on the road and each vehicle's own drop shadow. */
  shadows: z.boolean().default(true),
  seed: z.number().int().min(0).max(4_294_967_295).default(1),
  /** Speed of a vehicle crossing the intersection box, capped by its class (a bicycle rides slower). */
  crossingSpeedMps: z.number().min(2).max(20).default(9),
});
export type CameraRendererOptions = z.output<typeof CameraRendererOptions>;
export type CameraRendererOptionsInput = z.input<typeof CameraRendererOptions>;

/** Validates renderer options; the error names the bad field (`cameraRenderer.width: …`). */
export function parseCameraRendererOptions(input: unknown): CameraRendererOptions {
  return parseOrThrow(CameraRendererOptions, input ?? {}, "cameraRenderer");
}
