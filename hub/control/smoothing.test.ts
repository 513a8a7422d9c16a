import { describe, expect, it } from "vitest";
import type { PlanBody } from "../../protocol/index.js";
import { checkPlanAgainstRules } from "./check.js";
import { computePlan } from "./engine.js";
import { demandOf, T0, twoPhase } from "./test-support/fixtures.js";

function previousPlan(cycleS: number, splitsS: Record<string, number>, validUntil = T0 + 200_000): PlanBody {
  return { planId: "before", cycleS, offsetS: 0, splitsS, validUntil, reason: "earlier", policy: "webster" };
}

// y = 0.5 and 0.2: C0 = 20 / 0.3 = 66.7 s; greens 5 : 2.
const heavyNorth = demandOf({ nb: { flow: 900 }, eb: { flow: 360 } });

describe("smoothing from the previous plan", () => {
  it("limits a cycle jump to maxCycleChangeS and says so", () => {
    const config = twoPhase({ smoothing: { maxCycleChangeS: 10, cycleHoldFraction: 0 } });
    const { plan, explanation } = computePlan({ config, demand: heavyNorth, previous: previousPlan(40, { "2": 20, "4": 20 }), nowMs: T0 });
    expect(plan.cycleS).toBe(50);
    expect(explanation.smoothed).toMatchObject({ fromCycleS: 40, cycleLimited: true });
    expect(plan.reason).toContain("smoothed from 40s (target 67s)");
  });

  it("blends the green shares with the previous plan's", () => {
    const config = twoPhase({ smoothing: { weight: 0.4, maxCycleChangeS: 30 } });
    const { plan, explanation } = computePlan({ config, demand: heavyNorth, previous: previousPlan(67, { "2": 33, "4": 34 }), nowMs: T0 });
    expect(plan.cycleS).toBe(67);
    // Previous effective-green shares 28 : 29, target 5 : 2; blended share of phase 2 = 0.4 × 5/7 + 0.6 × 28/57.
    const share2 = 0.4 * (5 / 7) + 0.6 * (28 / 57);
    expect(Math.abs(explanation.greens["2"] - 57 * share2)).toBeLessThanOrEqual(1);
    const unsmoothed = computePlan({ config, demand: heavyNorth, nowMs: T0 });
    expect(explanation.greens["2"]).toBeLessThan(unsmoothed.explanation.greens["2"]);
    expect(explanation.greens["2"]).toBeGreaterThan(28);
  });

  it("never blends a phase below its minimum green", () => {
    // The previous plan gave phase 4 a 7 s green; the configuration now asks for at least 20 s.
    const config = twoPhase({ phases: [
      { phase: 2, minGreenS: 7, maxGreenS: 80, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "nb", lanes: 1 }] },
      { phase: 4, minGreenS: 20, maxGreenS: 80, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "eb", lanes: 1 }] },
    ] });
    const result = computePlan({ config, demand: demandOf({ nb: { flow: 900 }, eb: { flow: 0 } }), previous: previousPlan(60, { "2": 48, "4": 12 }), nowMs: T0 });
    expect(result.explanation.greens["4"]).toBeGreaterThanOrEqual(20);
    expect(checkPlanAgainstRules(config, result.plan)).toEqual({ ok: true });
  });

  it("settles on the target step by step without overshooting", () => {
    const config = twoPhase({ smoothing: { maxCycleChangeS: 5, cycleHoldFraction: 0 } });
    let previous: PlanBody = previousPlan(100, { "2": 50, "4": 50 });
    const cycles: number[] = [];
    for (let i = 0; i < 12; i++) {
      previous = computePlan({ config, demand: heavyNorth, previous, nowMs: T0 + i * 60_000 }).plan;
      cycles.push(previous.cycleS);
    }
    expect(cycles.slice(0, 6)).toEqual([95, 90, 85, 80, 75, 70]);
    expect(cycles.slice(7)).toEqual([67, 67, 67, 67, 67]);
    for (let i = 1; i < cycles.length; i++) expect(cycles[i]).toBeLessThanOrEqual(cycles[i - 1]);
  });

  it("holds the running cycle while the target is within cycleHoldFraction of it, and moves all the way once it is not", () => {
    const config = twoPhase({ smoothing: { maxCycleChangeS: 30, cycleHoldFraction: 0.25 } });
    // Target 67 s (C0 = 66.7 s).
    const near = computePlan({ config, demand: heavyNorth, previous: previousPlan(56, { "2": 28, "4": 28 }), nowMs: T0 });
    expect(near.plan.cycleS).toBe(56);
    expect(near.explanation.smoothed).toMatchObject({ cycleHeld: true, cycleLimited: false });
    expect(near.plan.reason).toContain("cycle held at 56s (target 67s)");
    // The green shares still move towards the target's.
    expect(near.explanation.greens["2"]).toBeGreaterThan(23);
    const far = computePlan({ config, demand: heavyNorth, previous: previousPlan(50, { "2": 25, "4": 25 }), nowMs: T0 });
    expect(far.plan.cycleS).toBe(67);
    expect(far.explanation.smoothed).toMatchObject({ cycleHeld: false, cycleLimited: false });
    const tooFar = computePlan({ config, demand: heavyNorth, previous: previousPlan(120, { "2": 60, "4": 60 }), nowMs: T0 });
    expect(tooFar.plan.cycleS).toBe(90);
  });

  it("starts afresh when the previous plan has expired or was made for other phases", () => {
    const config = twoPhase();
    const expired = computePlan({ config, demand: heavyNorth, previous: previousPlan(40, { "2": 20, "4": 20 }, T0 - 1), nowMs: T0 });
    expect(expired.explanation.smoothed).toBeNull();
    expect(expired.plan.cycleS).toBe(67);
    const otherPhases = computePlan({ config, demand: heavyNorth, previous: previousPlan(40, { "2": 20, "6": 20 }), nowMs: T0 });
    expect(otherPhases.explanation.smoothed).toBeNull();
  });
});
