import type { Candidates } from "../nms.js";

/** NMS-free end-to-end exports (YOLOv10, YOLO26): `[1, K, 6]` rows of x1, y1, x2, y2, score, class. */
export function decodeEndToEnd(data: Float32Array, dims: readonly number[], scoreThreshold: number, out: Candidates): void {
  const rows = dims[1]!;
  for (let i = 0, o = 0; i < rows; i++, o += 6) {
    const score = data[o + 4]!;
    if (!(score > scoreThreshold)) continue;
    out.push(data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!, score, Math.round(data[o + 5]!));
  }
}
