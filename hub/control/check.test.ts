import { describe, expect, it } from "vitest";
import type { PlanBody } from "../../protocol/index.js";
import { checkPlanAgainstRules } from "./check.js";
import { fourPhase, T0 } from "./test-support/fixtures.js";

const good: PlanBody = { planId: "p", cycleS: 100, offsetS: 10, splitsS: { "1": 12, "2": 45, "3": 13, "4": 30 }, validUntil: T0, reason: "test" };

function errorsOf(plan: PlanBody): string[] {
  const result = checkPlanAgainstRules(fourPhase(), plan);
  return result.ok ? [] : result.errors;
}

describe("plan rules the edge enforces", () => {
  it("accepts a plan within every limit", () => {
    expect(checkPlanAgainstRules(fourPhase(), good)).toEqual({ ok: true });
  });

  it("rejects a missing phase and a phase outside the sequence", () => {
    const errors = errorsOf({ ...good, splitsS: { "1": 12, "2": 45, "3": 13, "6": 30 } });
    expect(errors).toContain("plan.splitsS.6: phase 6 is not in the controller's sequence (1, 2, 3, 4)");
    expect(errors).toContain("plan.splitsS: phase 4 has no split; every phase of the sequence (1, 2, 3, 4) not omitted needs one");
  });

  it("rejects a split below min green with pedestrian time, yellow and red clearance", () => {
    // Phase 2 needs walk 7 + clearance 12 = 19 s of green, + 4 + 2.
    const errors = errorsOf({ ...good, cycleS: 79, splitsS: { ...good.splitsS, "2": 24 } });
    expect(errors).toEqual(["plan.splitsS.2: phase 2 split 24 s is below its minimum 25 s = green 19 s (min green 10 s, pedestrian walk 7 s + clearance 12 s) + yellow 4 s + red clearance 2 s"]);
  });

  it("rejects a green above max green", () => {
    const errors = errorsOf({ ...good, splitsS: { ...good.splitsS, "1": 20, "2": 37 } });
    expect(errors).toEqual(["plan.splitsS.1: phase 1 split 20 s gives a green of 16 s, above its max green 15 s"]);
  });

  it("rejects splits that do not add up to the cycle, allowing 0.1 s", () => {
    expect(checkPlanAgainstRules(fourPhase(), { ...good, cycleS: 100.05 })).toEqual({ ok: true });
    expect(errorsOf({ ...good, cycleS: 101 })).toEqual(["plan.cycleS: splits add up to 100 s but the cycle is 101 s (they must match within 0.1 s)"]);
  });

  it("rejects an offset outside the cycle", () => {
    expect(errorsOf({ ...good, offsetS: 100 })).toEqual(["plan.offsetS: offsetS must be less than cycleS"]);
  });
});
