import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { iteYellowS } from "./ite-yellow.js";

describe("iteYellowS", () => {
  it("gives the ITE change interval rounded up to 0.1 s", () => {
    // 1 + (50/3.6) / (2 × 3.05) = 3.277 → 3.3; 70 km/h: 4.188 → 4.2; 100 km/h: 5.554 → 5.6.
    expect(iteYellowS(50)).toBe(3.3);
    expect(iteYellowS(70)).toBe(4.2);
    expect(iteYellowS(100)).toBe(5.6);
  });

  it("keeps yellows within 3–6 s", () => {
    expect(iteYellowS(20)).toBe(3);
    expect(iteYellowS(130)).toBe(6);
  });

  it("shortens the yellow uphill and lengthens it downhill", () => {
    expect(iteYellowS(70, 5)).toBeLessThan(iteYellowS(70));
    expect(iteYellowS(70, -5)).toBeGreaterThan(iteYellowS(70));
  });

  it("never decreases as speed rises", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 130, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), (v, dv) => {
        expect(iteYellowS(Math.min(130, v + dv))).toBeGreaterThanOrEqual(iteYellowS(v));
      }),
    );
  });

  it("rejects a negative speed", () => {
    expect(() => iteYellowS(-1)).toThrow(/speedKmh/);
  });
});
