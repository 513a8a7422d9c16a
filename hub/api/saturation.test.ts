import { describe, expect, it } from "vitest";
import type { Measures } from "../../protocol/index.js";
import { parseIntersectionTiming } from "../control/index.js";
import { capacityModelOf, degreeOfSaturation } from "./saturation.js";
import { TWO_PHASE_CONTROLLER } from "../test-support/controller-config.js";
import { TIMING } from "./test-fixtures.js";

const PHASES = TWO_PHASE_CONTROLLER.phases;
const model = capacityModelOf(parseIntersectionTiming({ ...TIMING, intersectionId: "x1", phases: PHASES }));
const plan = { cycleS: 90, splitsS: { "2": 55, "4": 35 } };

function measures(counts: Record<string, number>, occupancy = 0.3, intervalMs = 300_000): Measures {
  return {
    ts: 1,
    seq: 1,
    intersectionId: "x1",
    intervalMs,
    modelId: "test",
    framesProcessed: 1,
    approaches: Object.entries(counts).map(([approachId, count]) => ({ approachId, count, countsByClass: {}, queue: 0, occupancy })),
  };
}

describe("degreeOfSaturation", () => {
  it("is the highest flow over capacity, capacity being lanes × saturation flow × effective green / cycle", () => {
    // E: 98 veh in 5 min = 1176 veh/h over 2 × 1800 × (55 − 4 − 2)/90 = 1960 → 0.6.
    // N: 59 veh in 5 min = 708 veh/h over 1 × 1800 × (35 − 3.5 − 2)/90 = 590 → 1.2.
    expect(degreeOfSaturation(model, measures({ E: 98, N: 59 }), plan)).toBeCloseTo(1.2, 3);
    expect(degreeOfSaturation(model, measures({ E: 98, N: 10 }), plan)).toBeCloseTo(0.6, 3);
  });

  it("takes the smoothed flow where there is one, not one interval's count", () => {
    // A 5 s interval in which N's queue discharged: 5 vehicles = 3600 veh/h, X = 6.1 on its own.
    const burst = measures({ E: 0, N: 5 }, 0.3, 5_000);
    expect(degreeOfSaturation(model, burst, plan)).toBeCloseTo(3600 / 590, 2);
    // The hub's moving average says N runs at 295 veh/h: X = 0.5; E, without one, keeps its count.
    expect(degreeOfSaturation(model, burst, plan, (id) => (id === "N" ? 295 : undefined))).toBeCloseTo(0.5, 3);
  });

  it("rises as the plan gives a phase less green", () => {
    const longer = degreeOfSaturation(model, measures({ N: 40 }), plan)!;
    const shorter = degreeOfSaturation(model, measures({ N: 40 }), { cycleS: 90, splitsS: { "2": 65, "4": 25 } })!;
    expect(shorter).toBeGreaterThan(longer);
  });

  it("counts only the share of an approach's flow a phase serves", () => {
    const shared = capacityModelOf(
      parseIntersectionTiming({
        ...TIMING,
        intersectionId: "x1",
        phases: [{ ...PHASES[0]!, approaches: [{ approachId: "E", lanes: 2, share: 0.5 }] }, PHASES[1]!],
      }),
    );
    expect(degreeOfSaturation(shared, measures({ E: 98 }), plan)).toBeCloseTo(0.3, 3);
  });

  it("falls back to the highest occupancy without a plan, a timing model, or any served approach", () => {
    expect(degreeOfSaturation(model, measures({ E: 98 }, 0.45), null)).toBe(0.45);
    expect(degreeOfSaturation(null, measures({ E: 98 }, 0.45), plan)).toBe(0.45);
    expect(degreeOfSaturation(model, measures({ Z: 98 }, 0.45), plan)).toBe(0.45);
    expect(degreeOfSaturation(model, measures({ E: 98 }, 0.45), { cycleS: 90, splitsS: { "6": 90 } })).toBe(0.45);
  });

  it("is null with no measures", () => {
    expect(degreeOfSaturation(model, null, plan)).toBeNull();
  });
});
