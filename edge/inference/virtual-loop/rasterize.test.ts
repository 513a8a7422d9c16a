import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countPixels, rasterizePolygon } from "./rasterize.js";

/** The textbook crossing-number test (W. R. Franklin's pnpoly), one point at a time. */
function pnpoly(polygon: readonly [number, number][], px: number, py: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

describe("rasterizePolygon", () => {
  it("covers exactly the pixels whose centres are inside an axis-aligned rectangle", () => {
    const mask = rasterizePolygon([[10, 5], [30, 5], [30, 15], [10, 15]], 64, 36);
    expect(countPixels(mask)).toBe(200);
    for (let y = 0; y < 36; y++) {
      for (let x = 0; x < 64; x++) {
        const expected = x >= 10 && x < 30 && y >= 5 && y < 15 ? 1 : 0;
        expect(mask[y * 64 + x], `pixel ${x},${y}`).toBe(expected);
      }
    }
  });

  it("decides by pixel centre, not by any overlap", () => {
    expect(countPixels(rasterizePolygon([[10.4, 0], [10.6, 0], [10.6, 8], [10.4, 8]], 16, 8))).toBe(8);
    expect(countPixels(rasterizePolygon([[10.6, 0], [11.4, 0], [11.4, 8], [10.6, 8]], 16, 8))).toBe(0);
  });

  it("clips a polygon that reaches beyond the image", () => {
    const mask = rasterizePolygon([[-10, -10], [8, -10], [8, 100], [-10, 100]], 16, 8);
    expect(countPixels(mask)).toBe(8 * 8);
  });

  it("leaves the centre of a self-crossing star outside (even-odd rule)", () => {
    const star: [number, number][] = [];
    for (let k = 0; k < 5; k++) {
      const angle = -Math.PI / 2 + (k * 4 * Math.PI) / 5;
      star.push([32 + 15 * Math.cos(angle), 18 + 15 * Math.sin(angle)]);
    }
    const mask = rasterizePolygon(star, 64, 36);
    expect(mask[18 * 64 + 32]).toBe(0);
    expect(countPixels(mask)).toBeGreaterThan(50);
  });

  it("agrees with a point-by-point crossing test on random polygons", () => {
    const coordinate = fc.double({ min: -5, max: 40, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(coordinate, coordinate), { minLength: 3, maxLength: 9 }), (polygon) => {
        const width = 32;
        const height = 24;
        const mask = rasterizePolygon(polygon, width, height);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            if (mask[y * width + x] !== (pnpoly(polygon, x + 0.5, y + 0.5) ? 1 : 0)) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
