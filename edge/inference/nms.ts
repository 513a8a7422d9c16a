/**
 * Candidate boxes in struct-of-arrays form so decoding allocates a handful of typed arrays per
 * frame instead of one object per anchor.
 */
export class Candidates {
  x1: Float32Array;
  y1: Float32Array;
  x2: Float32Array;
  y2: Float32Array;
  score: Float32Array;
  classId: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.x1 = new Float32Array(capacity);
    this.y1 = new Float32Array(capacity);
    this.x2 = new Float32Array(capacity);
    this.y2 = new Float32Array(capacity);
    this.score = new Float32Array(capacity);
    this.classId = new Int32Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  push(x1: number, y1: number, x2: number, y2: number, score: number, classId: number): void {
    if (this.length === this.score.length) this.grow();
    const i = this.length++;
    this.x1[i] = x1;
    this.y1[i] = y1;
    this.x2[i] = x2;
    this.y2[i] = y2;
    this.score[i] = score;
    this.classId[i] = classId;
  }

  private grow(): void {
    const cap = this.score.length * 2;
    const f = (a: Float32Array): Float32Array => {
      const b = new Float32Array(cap);
      b.set(a);
      return b;
    };
    this.x1 = f(this.x1);
    this.y1 = f(this.y1);
    this.x2 = f(this.x2);
    this.y2 = f(this.y2);
    this.score = f(this.score);
    const c = new Int32Array(cap);
    c.set(this.classId);
    this.classId = c;
  }
}

function iou(c: Candidates, a: number, b: number): number {
  const ix1 = Math.max(c.x1[a]!, c.x1[b]!);
  const iy1 = Math.max(c.y1[a]!, c.y1[b]!);
  const ix2 = Math.min(c.x2[a]!, c.x2[b]!);
  const iy2 = Math.min(c.y2[a]!, c.y2[b]!);
  const iw = ix2 - ix1;
  const ih = iy2 - iy1;
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (c.x2[a]! - c.x1[a]!) * (c.y2[a]! - c.y1[a]!);
  const areaB = (c.x2[b]! - c.x1[b]!) * (c.y2[b]! - c.y1[b]!);
  return inter / (areaA + areaB - inter);
}

/**
 * Class-aware greedy non-maximum suppression: a box suppresses lower-scored boxes of the same
 * class that overlap it by more than `iouThreshold`. Returns kept indices, best first.
 * `groupOf` merges classes for suppression: a pickup scored both "car" and "truck" is one vehicle.
 */
export function nonMaxSuppression(
  c: Candidates,
  iouThreshold: number,
  maxDetections: number,
  groupOf: (classId: number) => number = (id) => id,
): number[] {
  const order = Array.from({ length: c.length }, (_, i) => i).sort((a, b) => c.score[b]! - c.score[a]!);
  const kept: number[] = [];
  const suppressed = new Uint8Array(c.length);
  for (let oi = 0; oi < order.length && kept.length < maxDetections; oi++) {
    const i = order[oi]!;
    if (suppressed[i]) continue;
    kept.push(i);
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj]!;
      if (suppressed[j] || groupOf(c.classId[j]!) !== groupOf(c.classId[i]!)) continue;
      if (iou(c, i, j) > iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}
