import { ValidationError } from "../../../protocol/index.js";
import type { ModelPoint, VirtualLoopSpec } from "./spec.js";

/**
 * Pixels of a width×height image whose centre (x+0.5, y+0.5) lies inside the polygon (even-odd rule).
 * Returns a row-major 0/1 mask of length width·height.
 *
 * Scanline form of the crossing-number test: on each row the edges crossed by the centre line,
 * sorted, bound the inside spans [x0, x1), [x2, x3), …; half-open vertex rule `(yi > yc) !== (yj > yc)`
 * keeps the crossing count even so the spans pair up.
 */
export function rasterizePolygon(polygon: readonly ModelPoint[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const n = polygon.length;
  const crossings: number[] = [];
  for (let y = 0; y < height; y++) {
    const yc = y + 0.5;
    crossings.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = polygon[i];
      const [xj, yj] = polygon[j];
      if (yi > yc !== yj > yc) crossings.push(xi + ((yc - yi) * (xj - xi)) / (yj - yi));
    }
    crossings.sort((a, b) => a - b);
    const row = y * width;
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      // Centre xc = x + 0.5 is inside when crossings[k] <= xc < crossings[k + 1].
      const first = Math.max(0, Math.ceil(crossings[k] - 0.5));
      const last = Math.min(width - 1, Math.ceil(crossings[k + 1] - 0.5) - 1);
      for (let x = first; x <= last; x++) mask[row + x] = 1;
    }
  }
  return mask;
}

export function countPixels(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i];
  return count;
}

/**
 * One row-major 0/1 mask per zone, in spec order. A zone that covers no pixel centre would divide by
 * zero in the model and can never switch on, so it is rejected, naming the zone.
 */
export function rasterizeZones(spec: VirtualLoopSpec, root = "virtualLoop"): Uint8Array[] {
  return spec.zones.map((zone, i) => {
    const mask = rasterizePolygon(zone.polygon, spec.width, spec.height);
    if (countPixels(mask) === 0) {
      throw new ValidationError(
        `${root}.zones[${i}].polygon: zone "${zone.id}" covers no pixel centre of the ${spec.width}×${spec.height} model image`,
      );
    }
    return mask;
  });
}
