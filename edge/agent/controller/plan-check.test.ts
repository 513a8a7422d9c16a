import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseControllerConfig } from "./config.js";
import { checkPlan } from "./plan-check.js";
import { fourPhaseConfig, T0, validPlan } from "./test-support/fixtures.js";

const config = parseControllerConfig(fourPhaseConfig());

describe("plan check", () => {
  it("accepts a plan within every phase's limits", () => {
    const check = checkPlan(config, validPlan(T0), T0);
    expect(check).toMatchObject({ ok: true, plan: { planId: "am-peak", cycleS: 100 } });
  });

  it("accepts splits that miss the cycle by no more than 0.1 s", () => {
    expect(checkPlan(config, validPlan(T0, { cycleS: 100.1 }), T0).ok).toBe(true);
    expect(checkPlan(config, validPlan(T0, { cycleS: 100.2 }), T0).ok).toBe(false);
  });

  it("says why a plan breaks the rules, one reason per broken rule", () => {
    const check = checkPlan(config, validPlan(T0, { splitsS: { "1": 20, "2": 46, "3": 12, "4": 30 }, validUntil: T0 }), T0);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.planId).toBe("am-peak");
    expect(check.reason).toBe(
      "plan.splitsS.1: phase 1 split 20 s gives a green of 16 s, above its max green 15 s; " +
        "plan.cycleS: splits add up to 108 s but the cycle is 100 s (they must match within 0.1 s); " +
        "plan.validUntil: expired 0.0 s ago (2025-01-06T07:00:00.000Z)",
    );
  });

  it("never throws, and accepts only plans that keep every rule, whatever it is sent", () => {
    const phases = config.phases;
    const split = fc.oneof(fc.double({ min: -10, max: 400 }), fc.constantFrom(9, 23, 18.5, 19, 50, Number.NaN), fc.string());
    const plan = fc.record(
      {
        planId: fc.oneof(fc.constantFrom("p", "7"), fc.string(), fc.integer()),
        cycleS: fc.oneof(fc.double({ min: -10, max: 400 }), fc.constantFrom(59.5, 100)),
        offsetS: fc.oneof(fc.double({ min: -1, max: 400 }), fc.constant(0)),
        splitsS: fc.oneof(fc.dictionary(fc.constantFrom("1", "2", "3", "4", "5", "17", "x"), split), fc.anything()),
        validUntil: fc.oneof(fc.integer({ min: T0 - 10_000, max: T0 + 10_000 }), fc.double()),
        reason: fc.oneof(fc.constant("r"), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(plan, fc.anything()), (p) => {
        const check = checkPlan(config, p, T0);
        if (!check.ok) {
          expect(check.reason.length).toBeGreaterThan(0);
          return;
        }
        const accepted = check.plan;
        expect(accepted.validUntil).toBeGreaterThan(T0);
        expect(Object.keys(accepted.splitsS).sort()).toEqual(["1", "2", "3", "4"]);
        let sumS = 0;
        for (const phase of phases) {
          const s = accepted.splitsS[String(phase.phase)];
          const greenS = s - phase.yellowS - phase.redClearanceS;
          sumS += s;
          expect(greenS).toBeGreaterThanOrEqual(Math.max(phase.minGreenS, (phase.pedWalkS ?? 0) + (phase.pedClearanceS ?? 0)) - 1e-9);
          expect(greenS).toBeLessThanOrEqual(phase.maxGreenS + 1e-9);
        }
        expect(Math.abs(sumS - accepted.cycleS)).toBeLessThanOrEqual(0.1 + 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});
