import { hashUnit } from "./hash.js";
import type { CameraRendererOptions } from "./options.js";

/** Brightness levels per unit: the lit background is recomputed only when brightness moves by 1/128 (under one grey level on asphalt). */
export const BRIGHTNESS_LEVELS = 128;

/**
 * Global brightness at `tS` (1 = as drawn): a slow sinusoid, as clouds and the sun's height change
 * the light over tens of minutes. Its phase comes from the seed, so cameras do not drift in step.
 */
export function brightnessAt(options: Pick<CameraRendererOptions, "lightingDrift" | "seed">, tS: number): number {
  const { amplitude, periodS } = options.lightingDrift;
  if (amplitude === 0) return 1;
  const phase = 2 * Math.PI * hashUnit(options.seed, 0x11647);
  return 1 + amplitude * Math.sin((2 * Math.PI * tS) / periodS + phase);
}

/** Brightness rounded to a whole level, the key of the cached lit background. */
export function brightnessLevel(brightness: number): number {
  return Math.round(brightness * BRIGHTNESS_LEVELS);
}

/** Value → lit value for one brightness level. */
export function lightingTable(level: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = Math.min(255, Math.round((v * level) / BRIGHTNESS_LEVELS));
  return table;
}
