import type { Candidates } from "../nms.js";

/**
 * Ultralytics YOLOv8/YOLO11 detect head: `[1, 4 + nc, N]`, channel-major, centre-xywh in input
 * pixels, class scores already sigmoid-ed, no objectness.
 */
export function decodeUltralytics(
  data: Float32Array,
  dims: readonly number[],
  scoreThreshold: number,
  out: Candidates,
): void {
  const channels = dims[1]!;
  const anchors = dims[2]!;
  const classes = channels - 4;
  for (let i = 0; i < anchors; i++) {
    let best = scoreThreshold;
    let bestClass = -1;
    for (let c = 0; c < classes; c++) {
      const s = data[(4 + c) * anchors + i]!;
      if (s > best) {
        best = s;
        bestClass = c;
      }
    }
    if (bestClass < 0) continue;
    const cx = data[i]!;
    const cy = data[anchors + i]!;
    const hw = data[2 * anchors + i]! / 2;
    const hh = data[3 * anchors + i]! / 2;
    out.push(cx - hw, cy - hh, cx + hw, cy + hh, best, bestClass);
  }
}
