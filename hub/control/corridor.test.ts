import { describe, expect, it } from "vitest";
import { checkPlanAgainstRules } from "./check.js";
import { progressionOffsetS, travelTimesS } from "./corridor.js";
import { computeCorridorPlans, computePlan } from "./engine.js";
import { demandOf, T0, twoPhase } from "./test-support/fixtures.js";

const corridor = (positionM: number, mainPhase = 2) => ({ id: "main-st", positionM, progressionSpeedKmh: 50, mainPhase });
const speedMs = 50 / 3.6;

describe("corridor coordination", () => {
  it("gives every member the critical intersection's cycle and offsets from distance and speed", () => {
    const inputs = [
      { config: twoPhase({ intersectionId: "a", corridor: corridor(0) }), demand: demandOf({ nb: { flow: 360 }, eb: { flow: 180 } }), nowMs: T0 },
      { config: twoPhase({ intersectionId: "c", corridor: corridor(1200) }), demand: demandOf({ nb: { flow: 400 }, eb: { flow: 200 } }), nowMs: T0 },
      // The critical one: Y = 0.75 → C0 = 80 s.
      { config: twoPhase({ intersectionId: "b", corridor: corridor(500) }), demand: demandOf({ nb: { flow: 900 }, eb: { flow: 450 } }), nowMs: T0 },
      { config: twoPhase({ intersectionId: "alone" }), demand: demandOf({ nb: { flow: 360 }, eb: { flow: 180 } }), nowMs: T0 },
    ];
    const results = computeCorridorPlans(inputs);
    const [a, c, b, alone] = results;
    expect(b.plan.cycleS).toBe(80);
    expect(a.plan.cycleS).toBe(80);
    expect(c.plan.cycleS).toBe(80);
    expect(alone.plan.cycleS).toBeLessThan(80);
    expect(alone.plan.offsetS).toBe(0);
    // Phase 2 (the arterial) runs first, so offset = travel time from "a" modulo the cycle.
    expect(a.plan.offsetS).toBe(0);
    expect(b.plan.offsetS).toBe(Math.round(500 / speedMs)); // 36 s
    expect(c.plan.offsetS).toBe(Math.round((1200 / speedMs) % 80)); // 86.4 s → 6 s
    expect(c.explanation.corridor).toMatchObject({ id: "main-st", coordinated: true, commonCycleS: 80 });
    expect(c.explanation.corridor?.travelS).toBeCloseTo(1200 / speedMs, 9);
    expect(b.plan.reason).toContain("corridor main-st: common cycle 80s, offset 36s (travel 36.0s");
    for (const [i, r] of results.entries()) expect(checkPlanAgainstRules(inputs[i].config, r.plan)).toEqual({ ok: true });
  });

  it("subtracts the start of the main phase's green when the main phase is not first in the sequence", () => {
    const swapped = (id: string, positionM: number) => {
      const base = twoPhase();
      return twoPhase({ intersectionId: id, corridor: corridor(positionM), phases: [base.phases[1], base.phases[0]] });
    };
    const demand = demandOf({ nb: { flow: 900 }, eb: { flow: 450 } });
    const [first, second] = computeCorridorPlans([
      { config: swapped("a", 0), demand, nowMs: T0 },
      { config: swapped("b", 250), demand, nowMs: T0 },
    ]);
    const phase4SplitS = first.plan.splitsS["4"];
    expect(first.explanation.corridor?.mainPhaseStartS).toBe(phase4SplitS);
    expect(first.plan.offsetS).toBe(80 - phase4SplitS);
    expect(second.plan.offsetS).toBe(Math.round(250 / speedMs + 80 - phase4SplitS) % 80);
  });

  it("lets a member that cannot run the common cycle run alone, and says why", () => {
    const small = twoPhase({
      intersectionId: "small",
      corridor: corridor(300),
      minCycleS: 30,
      maxCycleS: 50,
    });
    const [big, alone] = computeCorridorPlans([
      { config: twoPhase({ intersectionId: "big", corridor: corridor(0) }), demand: demandOf({ nb: { flow: 900 }, eb: { flow: 450 } }), nowMs: T0 },
      { config: small, demand: demandOf({ nb: { flow: 200 }, eb: { flow: 200 } }), nowMs: T0 },
    ]);
    expect(big.plan.cycleS).toBe(80);
    expect(alone.plan.cycleS).toBeLessThanOrEqual(50);
    expect(alone.plan.offsetS).toBe(0);
    expect(alone.explanation.corridor?.coordinated).toBe(false);
    expect(alone.plan.reason).toContain("cannot run the common cycle 80s");
  });

  it("adds up travel time link by link at each link's speed", () => {
    const travel = travelTimesS([
      { intersectionId: "far", positionM: 900, progressionSpeedKmh: 36 },
      { intersectionId: "start", positionM: 100, progressionSpeedKmh: 50 },
      { intersectionId: "mid", positionM: 500, progressionSpeedKmh: 72 },
    ]);
    expect(travel.get("start")?.travelS).toBe(0);
    expect(travel.get("mid")?.travelS).toBeCloseTo(400 / 20, 9);
    expect(travel.get("far")?.travelS).toBeCloseTo(400 / 20 + 400 / 10, 9);
  });

  it("keeps an offset inside the cycle", () => {
    expect(progressionOffsetS(89.7, 0, 90)).toBe(0);
    expect(progressionOffsetS(-10, 0, 90)).toBe(80);
    expect(progressionOffsetS(200, 30, 90)).toBe(80);
  });

  it("refuses to plan one intersection twice in a batch", () => {
    const input = { config: twoPhase(), demand: demandOf({}), nowMs: T0 };
    expect(() => computeCorridorPlans([input, input])).toThrow(/main-1st is given twice/);
    expect(computePlan(input).plan.cycleS).toBe(30);
  });
});
