import type { Candidates } from "../nms.js";

export const YOLOX_STRIDES = [8, 16, 32] as const;

/** Anchor count of a raw YOLOX head for an input size: one anchor per cell at strides 8, 16, 32. */
export function yoloxAnchorCount(inputWidth: number, inputHeight: number): number {
  let n = 0;
  for (const s of YOLOX_STRIDES) n += Math.floor(inputWidth / s) * Math.floor(inputHeight / s);
  return n;
}

/**
 * YOLOX head: `[1, N, 5 + nc]` rows of x, y, w, h, objectness, class scores (already sigmoid-ed).
 * Raw exports give x, y as offsets from the grid cell and w, h as log-scale of the stride;
 * decoded exports give centre-xywh in input pixels. Score = objectness × class score.
 */
export function decodeYolox(
  data: Float32Array,
  dims: readonly number[],
  inputWidth: number,
  inputHeight: number,
  decoded: boolean | "auto",
  scoreThreshold: number,
  out: Candidates,
): void {
  const anchors = dims[1]!;
  const row = dims[2]!;
  const classes = row - 5;
  const raw = decoded === "auto" ? looksRaw(data, anchors, row, scoreThreshold) : !decoded;
  if (raw && anchors !== yoloxAnchorCount(inputWidth, inputHeight)) {
    throw new Error(
      `YOLOX raw output has ${anchors} anchors, expected ${yoloxAnchorCount(inputWidth, inputHeight)} for a ${inputWidth}×${inputHeight} input (strides 8/16/32); set yoloxDecoded if the export is decoded`,
    );
  }
  let i = 0;
  for (let level = 0; level < (raw ? YOLOX_STRIDES.length : 1); level++) {
    const stride = raw ? YOLOX_STRIDES[level]! : 1;
    const cols = raw ? Math.floor(inputWidth / stride) : anchors;
    const rows = raw ? Math.floor(inputHeight / stride) : 1;
    for (let gy = 0; gy < rows; gy++) {
      for (let gx = 0; gx < cols; gx++, i++) {
        const o = i * row;
        const objectness = data[o + 4]!;
        if (objectness <= scoreThreshold) continue;
        let best = 0;
        let bestClass = -1;
        for (let c = 0; c < classes; c++) {
          const s = data[o + 5 + c]!;
          if (s > best) {
            best = s;
            bestClass = c;
          }
        }
        const score = objectness * best;
        if (bestClass < 0 || score <= scoreThreshold) continue;
        let cx = data[o]!;
        let cy = data[o + 1]!;
        let w = data[o + 2]!;
        let h = data[o + 3]!;
        if (raw) {
          cx = (cx + gx) * stride;
          cy = (cy + gy) * stride;
          w = Math.exp(w) * stride;
          h = Math.exp(h) * stride;
        }
        out.push(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, bestClass);
      }
    }
  }
}

/**
 * A raw head's w, h are logs (a real box has |log| < 7); decoded ones are pixel sizes. Judge by the
 * confident rows only: the rest carry no meaning.
 */
function looksRaw(data: Float32Array, anchors: number, row: number, scoreThreshold: number): boolean {
  let maxSize = 0;
  for (let i = 0, o = 0; i < anchors; i++, o += row) {
    if (data[o + 4]! <= scoreThreshold) continue;
    maxSize = Math.max(maxSize, Math.abs(data[o + 2]!), Math.abs(data[o + 3]!));
  }
  return maxSize < 7;
}
