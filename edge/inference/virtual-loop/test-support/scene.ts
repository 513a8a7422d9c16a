/** Synthetic camera frames for the virtual-loop tests: a noisy grey road and solid vehicle boxes. */

export type Rgb = readonly [number, number, number];
/** Whole pixels: columns x..x+width−1, rows y..y+height−1. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Small deterministic PRNG (mulberry32) so every run sees the same noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CHW RGB frame of grey road at `grey` with uniform noise in ±noise on every channel. */
export function roadFrame(width: number, height: number, grey: number, noise: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const frame = new Float32Array(3 * width * height);
  for (let i = 0; i < frame.length; i++) frame[i] = grey + (random() * 2 - 1) * noise;
  return frame;
}

export function paintRect(frame: Float32Array, width: number, height: number, rect: PixelRect, rgb: Rgb): void {
  const plane = width * height;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      for (let c = 0; c < 3; c++) frame[c * plane + y * width + x] = rgb[c];
    }
  }
}

export function rectMask(width: number, height: number, rect: PixelRect): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) mask[y * width + x] = 1;
  }
  return mask;
}

/** Share of the zone's pixels that any of the rects covers. */
export function coveredFraction(zoneMask: Uint8Array, covers: readonly Uint8Array[]): number {
  let inZone = 0;
  let covered = 0;
  for (let p = 0; p < zoneMask.length; p++) {
    if (zoneMask[p] === 0) continue;
    inZone++;
    if (covers.some((m) => m[p] === 1)) covered++;
  }
  return covered / inZone;
}

/** Largest |a − b| over all elements where mask (per pixel, all channels) is set. */
export function maxAbsDiffWhere(a: Float32Array, b: Float32Array, mask: Uint8Array): number {
  const plane = mask.length;
  let worst = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      if (mask[p] === 1) worst = Math.max(worst, Math.abs(a[c * plane + p] - b[c * plane + p]));
    }
  }
  return worst;
}
