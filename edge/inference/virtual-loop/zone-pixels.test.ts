import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gatherZonePixels, zoneMembership, zonePixelIndex } from "./zone-pixels.js";

/** A mask of `plane` pixels set at the given indices. */
function maskOf(plane: number, set: readonly number[]): Uint8Array {
  const mask = new Uint8Array(plane);
  for (const p of set) mask[p] = 1;
  return mask;
}

describe("zonePixelIndex", () => {
  it("lists each pixel of the union of the zones once, in row-major order", () => {
    const index = zonePixelIndex([maskOf(12, [7, 2, 3]), maskOf(12, [3, 10])]);
    expect(Array.from(index)).toEqual([2, 3, 7, 10]);
  });

  it("agrees with a set union for any masks", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 30, maxLength: 30, max: 1 }), { minLength: 1, maxLength: 5 }), (masks) => {
        const expected = [...new Set(masks.flatMap((m) => [...m.keys()].filter((p) => m[p] === 1)))].sort((a, b) => a - b);
        expect(Array.from(zonePixelIndex(masks))).toEqual(expected);
      }),
    );
  });
});

describe("zoneMembership", () => {
  it("marks, for each gathered pixel, every zone it lies in", () => {
    const masks = [maskOf(12, [2, 3]), maskOf(12, [3, 10])];
    const index = zonePixelIndex(masks);
    // Pixels 2, 3, 10: pixel 3 is in both zones.
    expect(Array.from(zoneMembership(masks, index))).toEqual([1, 0, 1, 1, 0, 1]);
  });
});

describe("gatherZonePixels", () => {
  it("lays the zone pixels out channel by channel as [3, K]", () => {
    const plane = 6;
    const frame = Float32Array.from({ length: 3 * plane }, (_, i) => i);
    const index = Int32Array.from([1, 4]);
    // Channel c of pixel p sits at c·plane + p in the frame.
    expect(Array.from(gatherZonePixels(frame, index, plane))).toEqual([1, 4, 7, 10, 13, 16]);
  });

  it("writes into the buffer it is given", () => {
    const out = new Float32Array(3);
    const result = gatherZonePixels(Float32Array.from([5, 6, 7, 8, 9, 10]), Int32Array.from([1]), 2, out);
    expect(result).toBe(out);
    expect(Array.from(out)).toEqual([6, 8, 10]);
  });

  it("refuses buffers of the wrong size", () => {
    expect(() => gatherZonePixels(new Float32Array(6), Int32Array.from([0]), 2, new Float32Array(4))).toThrow(
      "gatherZonePixels: out needs 3 floats, got 4",
    );
    expect(() => gatherZonePixels(new Float32Array(5), Int32Array.from([0]), 2)).toThrow(
      "gatherZonePixels: frame needs 6 floats, got 5",
    );
  });
});
