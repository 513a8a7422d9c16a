import { describe, expect, it } from "vitest";
import { approachSeries, withMeasures } from "./approach-series.js";
import { fitProjection } from "./map-projection.js";
import { cycleFraction, ringOf, ringsOf } from "./ring-diagram.js";
import { dominantState, orderedGroups, signalLook } from "./signal-look.js";
import { visibleRows } from "./virtual-range.js";

const phase = (n: number, yellowS: number, redClearanceS: number) => ({ phase: n, minGreenS: 5, maxGreenS: 50, yellowS, redClearanceS, approaches: [] });

describe("dashboard view math", () => {
  it("renders only the rows in view, plus overscan, and nothing for an empty list", () => {
    expect(visibleRows(0, 440, 44, 1000, 2)).toEqual({ first: 0, end: 12 });
    expect(visibleRows(44 * 500, 440, 44, 1000, 2)).toEqual({ first: 498, end: 512 });
    expect(visibleRows(44 * 995, 440, 44, 1000, 2)).toEqual({ first: 993, end: 1000 });
    expect(visibleRows(0, 440, 44, 0)).toEqual({ first: 0, end: 0 });
  });

  it("fits positions into the canvas keeping the aspect ratio, north up", () => {
    const p = fitProjection([{ xM: 0, yM: 0 }, { xM: 1000, yM: 500 }], 1020, 1020, 10);
    expect(p.scale).toBeCloseTo(1);
    expect(p.x(0)).toBeCloseTo(10);
    expect(p.x(1000)).toBeCloseTo(1010);
    // North is up: the larger yM is nearer the top.
    expect(p.y(500)).toBeLessThan(p.y(0));
    expect(p.y(0) - p.y(500)).toBeCloseTo(500);
  });

  it("fits a straight corridor by its length and centres it vertically", () => {
    const p = fitProjection([{ xM: 0, yM: 0 }, { xM: 1400, yM: 0 }], 720, 300, 10);
    expect(p.x(1400) - p.x(0)).toBeCloseTo(700);
    expect(p.y(0)).toBeCloseTo(150);
  });

  it("cuts each split into green, yellow and red clearance, ring by ring", () => {
    const rings = ringsOf({ "1": 15, "2": 45, "4": 30, "6": 60 }, [phase(1, 3, 1), phase(2, 4, 1.5), phase(4, 4, 2), phase(6, 4, 2)]);
    expect(rings.map((r) => r.ring)).toEqual([1, 2]);
    expect(rings[0]!.segments).toEqual([
      { phase: 1, startS: 0, greenEndS: 11, yellowEndS: 14, endS: 15 },
      { phase: 2, startS: 15, greenEndS: 54.5, yellowEndS: 58.5, endS: 60 },
      { phase: 4, startS: 60, greenEndS: 84, yellowEndS: 88, endS: 90 },
    ]);
    expect(rings[1]!.segments[0]!.startS).toBe(0);
    expect([1, 4, 5, 8, 9, 16].map(ringOf)).toEqual([1, 1, 2, 2, 3, 4]);
  });

  it("places the cycle marker within the cycle, wrapping past its end, and hides it when not cycling", () => {
    expect(cycleFraction(45, 90)).toBeCloseTo(0.5);
    expect(cycleFraction(135, 90)).toBeCloseTo(0.5);
    expect(cycleFraction(null, 90)).toBeNull();
  });

  it("labels every signal state with text and shape as well as colour", () => {
    const looks = (["G", "Y", "R", "FY", "FR", "DK"] as const).map(signalLook);
    expect(looks.map((l) => l.label)).toEqual(["G", "Y", "R", "FL", "FL", "DK"]);
    expect(new Set(looks.map((l) => l.shape)).size).toBe(5);
    expect(dominantState({ "E-through": "R", "N-left": "Y", P2: "G" })).toBe("Y");
    expect(dominantState({ P2: "G" })).toBeNull();
    expect(orderedGroups({ P4: "R", "W-left": "G", "E-through": "R" }).map(([id]) => id)).toEqual(["E-through", "W-left", "P4"]);
  });

  it("lays measures out per approach on a shared time axis, within the last hour", () => {
    const hour = 3_600_000;
    const points = [
      { ts: 1_000, approachId: "N", intervalMs: 5000, count: 9, queue: 9, occupancy: 0 },
      { ts: hour + 5_000, approachId: "N", intervalMs: 5000, count: 1, queue: 2, occupancy: 0 },
      { ts: hour + 5_000, approachId: "E", intervalMs: 5000, count: 3, queue: 4, occupancy: 0 },
      { ts: hour + 10_000, approachId: "E", intervalMs: 5000, count: 5, queue: 6, occupancy: 0 },
    ];
    const s = approachSeries(points);
    expect(s.approaches).toEqual(["E", "N"]);
    expect(s.timesS).toEqual([(hour + 5_000) / 1000, (hour + 10_000) / 1000]);
    expect(s.queue).toEqual([[4, 6], [2, null]]);
    const more = withMeasures(points, { ts: hour + 15_000, intervalMs: 5000, approaches: [{ approachId: "N", count: 2, queue: 1, occupancy: 0.1 }] });
    expect(more).toHaveLength(4);
    expect(withMeasures(more, { ts: hour + 15_000, intervalMs: 5000, approaches: [] })).toBe(more);
  });
});
