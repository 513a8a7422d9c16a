import { describe, expect, it } from "vitest";
import { checkPlanAgainstRules } from "./check.js";
import { parseIntersectionTiming } from "./config.js";
import { computePlan, websterFixedPlan } from "./engine.js";
import { crossProductLimit, phaseOmissions } from "./omission.js";
import { demandOf, fourPhase, T0 } from "./test-support/fixtures.js";

/** The four-phase fixture with both protected lefts allowed to run permissive instead: nb's turns yield to sb (2 lanes), eb's to wb (1 lane). */
function permissiveLefts() {
  const base = fourPhase();
  return parseIntersectionTiming({
    ...base,
    phases: base.phases.map((p) =>
      p.phase === 1
        ? { ...p, omittable: true, permissive: { opposing: [{ approachId: "nb", opposingApproachId: "sb", opposingLanes: 2 }] } }
        : p.phase === 3
          ? { ...p, omittable: true, permissive: { opposing: [{ approachId: "eb", opposingApproachId: "wb", opposingLanes: 1 }] } }
          : p,
    ),
  });
}

/** nb 500 veh/h (100 left), eb 200 (50 left): cross products 100 × sb and 50 × wb. */
const demand = (sb: number, wb: number) => demandOf({ nb: { flow: 500 }, sb: { flow: sb }, eb: { flow: 200 }, wb: { flow: wb } });

describe("leaving out protected lefts that the traffic does not warrant", () => {
  it("uses ITE's left-turn × opposing flow guideline for the opposing lanes", () => {
    expect([1, 2, 3, 4].map(crossProductLimit)).toEqual([50_000, 90_000, 110_000, 110_000]);
  });

  it("leaves a phase out below 80 % of the guideline, brings it back at the guideline, and keeps the running choice in between", () => {
    const config = permissiveLefts();
    const phase1 = (sb: number, previouslyOmitted: number[]) => phaseOmissions(config, demand(sb, 400), previouslyOmitted).find((o) => o.phase === 1);
    expect(phase1(700, [])).toEqual({ phase: 1, omitted: true, crossProduct: 70_000, limit: 90_000 });
    expect(phase1(800, [])?.omitted).toBe(false);
    expect(phase1(800, [1])?.omitted).toBe(true);
    expect(phase1(900, [1])?.omitted).toBe(false);
    // Phase 3: 50 × 1,200 = 60,000 against 50,000 for one opposing lane.
    expect(phaseOmissions(config, demand(700, 1_200), []).find((o) => o.phase === 3)).toEqual({ phase: 3, omitted: false, crossProduct: 60_000, limit: 50_000 });
  });

  it("keeps a phase whose approaches have no measures yet", () => {
    const omissions = phaseOmissions(permissiveLefts(), demandOf({ nb: { flow: 100 }, eb: { flow: 100 }, wb: { flow: 100 } }), []);
    expect(omissions.map((o) => [o.phase, o.omitted])).toEqual([
      [1, false],
      [3, true],
    ]);
  });

  it("plans the remaining phases only, says so in the reason, and passes the edge's rules", () => {
    const config = permissiveLefts();
    const { plan, explanation } = computePlan({ config, demand: demand(300, 300), nowMs: T0 });
    expect(plan.omitPhases).toEqual([1, 3]);
    expect(Object.keys(plan.splitsS)).toEqual(["2", "4"]);
    expect(plan.splitsS["2"]! + plan.splitsS["4"]!).toBeCloseTo(plan.cycleS, 5);
    expect(plan.reason).toContain("phase 1 omitted, its turns run permissive (left × opposing flow 30k vs 90k)");
    expect(explanation.omissions.filter((o) => o.omitted).map((o) => o.phase)).toEqual([1, 3]);
    expect(checkPlanAgainstRules(config, plan)).toEqual({ ok: true });

    // 80k: not enough to bring phase 1 back while the running plan leaves it out, enough to keep it in otherwise.
    const busier = demand(800, 300);
    expect(computePlan({ config, demand: busier, nowMs: T0 + 60_000, previous: plan }).plan.omitPhases).toEqual([1, 3]);
    const withLeft = computePlan({ config, demand: busier, nowMs: T0 + 60_000 }).plan;
    expect(withLeft.omitPhases).toEqual([3]);
    expect(Object.keys(withLeft.splitsS)).toEqual(["1", "2", "4"]);
  });

  it("never leaves a phase out of a fixed-time plan", () => {
    expect(websterFixedPlan(permissiveLefts(), 300).plan.omitPhases).toBeUndefined();
  });

  it("rejects omitting a phase the controller has not made omittable, and an omitted phase with a split", () => {
    const config = permissiveLefts();
    const good = { planId: "p", cycleS: 88, offsetS: 0, splitsS: { "2": 45, "3": 13, "4": 30 }, validUntil: T0, reason: "test", omitPhases: [1] };
    expect(checkPlanAgainstRules(config, good)).toEqual({ ok: true });
    const fixed = fourPhase();
    expect(checkPlanAgainstRules(fixed, good)).toEqual({ ok: false, errors: ["plan.omitPhases.0: phase 1 may not be omitted (not omittable in the controller's configuration)"] });
    const withSplit = checkPlanAgainstRules(config, { ...good, cycleS: 100, splitsS: { ...good.splitsS, "1": 12 } });
    expect(withSplit.ok ? [] : withSplit.errors).toContain("plan.splitsS.1: phase 1 is omitted and must have no split");
  });

  it("rejects a permissive alternative for an approach the phase does not serve", () => {
    const base = fourPhase();
    const phases = base.phases.map((p) => (p.phase === 1 ? { ...p, permissive: { opposing: [{ approachId: "wb", opposingApproachId: "eb", opposingLanes: 1 }] } } : p));
    expect(() => parseIntersectionTiming({ ...base, phases })).toThrow(/timing\.phases\[0\]\.permissive\.opposing\[0\]\.approachId: phase 1 does not serve approach "wb"/);
  });
});
