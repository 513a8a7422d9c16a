import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateGreens, roundSplits, wholeCycleS } from "./splits.js";

describe("green allocation and rounding", () => {
  it("shares green in proportion to the weights when no bound bites", () => {
    const greens = allocateGreens(60, [0.3, 0.1, 0.2], [5, 5, 5], [60, 60, 60]);
    expect(greens[0]).toBeCloseTo(30, 6);
    expect(greens[1]).toBeCloseTo(10, 6);
    expect(greens[2]).toBeCloseTo(20, 6);
  });

  it("lifts a phase to its minimum and takes the difference from the others in proportion", () => {
    const greens = allocateGreens(60, [0.5, 0.01, 0.5], [5, 12, 5], [60, 60, 60]);
    expect(greens[1]).toBeCloseTo(12, 6);
    expect(greens[0]).toBeCloseTo(24, 6);
    expect(greens[2]).toBeCloseTo(24, 6);
  });

  it("cuts a phase at its maximum and hands the rest on, even to a phase with no demand", () => {
    const greens = allocateGreens(80, [1, 0], [5, 5], [40, 70]);
    expect(greens[0]).toBe(40);
    expect(greens[1]).toBeCloseTo(40, 6);
  });

  it("rounds to whole seconds adding up to the cycle within every phase's limits", () => {
    const phases = [3, 4, 5].map((phase) => ({ phase, minGreenS: 5, maxGreenS: 30, yellowS: 3.5, redClearanceS: 1 }));
    fc.assert(
      fc.property(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), fc.integer({ min: 30, max: 104 }), (w, cycle) => {
        const cycleS = wholeCycleS(phases, cycle, { minS: 0, maxS: 300 });
        const greens = allocateGreens(cycleS - 13.5, w, [5, 5, 5], [30, 30, 30]);
        const splits = roundSplits(phases, greens.map((g) => g + 4.5), cycleS);
        expect(splits.reduce((s, x) => s + x, 0)).toBe(cycleS);
        for (const s of splits) {
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(9.5);
          expect(s - 4.5).toBeLessThanOrEqual(30);
        }
      }),
    );
  });

  it("shares green equally when the weights are all but zero (a denormal weight once divided by zero)", () => {
    const greens = allocateGreens(16.5, [0, 0, 5e-324], [5, 5, 5], [30, 30, 30]);
    expect(greens.every(Number.isFinite)).toBe(true);
    expect(greens.reduce((a, b) => a + b, 0)).toBeCloseTo(16.5, 9);
  });

  it("keeps an exact split for a phase whose limits hold no whole second", () => {
    const phases = [
      { phase: 1, minGreenS: 5, maxGreenS: 5, yellowS: 3.5, redClearanceS: 1 },
      { phase: 2, minGreenS: 5, maxGreenS: 40, yellowS: 3, redClearanceS: 2 },
    ];
    const cycleS = wholeCycleS(phases, 39.4, { minS: 30, maxS: 120 });
    expect(cycleS).toBe(39.5);
    expect(roundSplits(phases, [9.5, 30], cycleS)).toEqual([9.5, 30]);
  });
});
