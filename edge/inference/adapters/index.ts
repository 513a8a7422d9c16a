import { z } from "zod";

export { decodeUltralytics } from "./ultralytics.js";
export { decodeYolox, yoloxAnchorCount, YOLOX_STRIDES } from "./yolox.js";
export { decodeEndToEnd } from "./end-to-end.js";

export const MODEL_FAMILIES = ["ultralytics", "yolox", "end-to-end"] as const;
export const ModelFamily = z.enum(MODEL_FAMILIES);
export type ModelFamily = z.infer<typeof ModelFamily>;

export class UnsupportedLayoutError extends Error {
  override name = "UnsupportedLayoutError";
}

/**
 * Which decoder fits an output tensor. Metadata wins where it marks an end-to-end export
 * (ultralytics writes `end2end`); otherwise the shape decides: `[1, K≤1000, 6]` end-to-end, `[1, 4+nc, N]` with
 * fewer channels than anchors ultralytics, `[1, N, 5+nc]` YOLOX.
 */
export function pickFamily(dims: readonly number[], metadata: Record<string, string>): ModelFamily {
  const shape = `[${dims.join(", ")}]`;
  if (dims.length !== 3 || dims[0] !== 1) {
    throw new UnsupportedLayoutError(`unsupported output layout ${shape}: expected [1, 4+nc, N], [1, N, 5+nc] or [1, K, 6]`);
  }
  const [, a, b] = dims as [number, number, number];
  if (/^true$/i.test(metadata.end2end ?? "") && b === 6) return "end-to-end";
  if (b === 6 && a > 6 && a <= 1000) return "end-to-end";
  if (a < b && a >= 5) return "ultralytics";
  if (a > b && b >= 6) return "yolox";
  throw new UnsupportedLayoutError(`unsupported output layout ${shape}: expected [1, 4+nc, N], [1, N, 5+nc] or [1, K, 6]`);
}

/** Checks that an output fits the family set in config, naming the shape when it does not. */
export function checkFamily(family: ModelFamily, dims: readonly number[]): void {
  const shape = `[${dims.join(", ")}]`;
  const ok =
    dims.length === 3 &&
    dims[0] === 1 &&
    ((family === "end-to-end" && dims[2] === 6) ||
      (family === "ultralytics" && dims[1]! >= 5) ||
      (family === "yolox" && dims[2]! >= 6));
  if (!ok) throw new UnsupportedLayoutError(`output layout ${shape} does not fit the configured ${family} family`);
}

/** Class names from ultralytics' `names` metadata: a Python dict literal `{0: 'person', 1: 'bicycle'}`. */
export function parseNamesMetadata(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const names: string[] = [];
  const re = /(\d+)\s*:\s*(['"])(.*?)\2/g;
  for (let m = re.exec(text); m; m = re.exec(text)) names[Number(m[1])] = m[3]!;
  return names.length > 0 ? names : undefined;
}
