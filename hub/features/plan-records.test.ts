import { describe, expect, it } from "vitest";
import type { PlanExplanation } from "../control/index.js";
import { plan } from "../../tests/support/payloads.js";
import { PlanRecords, planRecordBoundsFor } from "./plan-records.js";

function explanation(cycleS: number): PlanExplanation {
  return { policy: "webster", Y: 0.5, flowY: 0.4, cycleY: 0.4, L: 12, C0: cycleS, cycleS, offsetS: 0, greens: { "2": 30 }, criticalRatios: { "2": 0.3 }, pressures: null, oversaturated: false, boundedBy: null, smoothed: null, corridor: null, unmeasuredApproaches: [], omissions: [] };
}

describe("PlanRecords", () => {
  it("gives an intersection's newest plans first, with their source and, for the newest, their explanation", () => {
    const records = new PlanRecords({ recordsPerIntersection: 4, explanationsPerIntersection: 2 });
    for (let seq = 1; seq <= 6; seq++) records.add({ plan: plan("i-1", seq), explanation: seq === 5 ? null : explanation(60 + seq), source: seq === 5 ? "override" : "adaptive" });
    records.add({ plan: plan("i-2", 7), explanation: null, source: "adaptive" });
    const latest = records.latest("i-1", 10);
    expect(latest.map((r) => r.plan.seq)).toEqual([6, 5, 4, 3]);
    expect(latest.map((r) => r.source)).toEqual(["adaptive", "override", "adaptive", "adaptive"]);
    // Explanations for the two newest plans only (5 had none): 4's and 3's are no longer shown.
    expect(latest.map((r) => r.explanation?.cycleS ?? null)).toEqual([66, null, null, null]);
    expect(records.latest("i-1", 1)).toEqual([{ plan: plan("i-1", 6), explanation: explanation(66), source: "adaptive" }]);
    expect(records.latest("i-2", 5).map((r) => r.plan.seq)).toEqual([7]);
    expect(records.latest("nowhere", 5)).toEqual([]);
    expect(records.latest("i-1", 0)).toEqual([]);
    expect(records.bytes).toBeGreaterThan(JSON.stringify(records.latest("i-1", 10)).length / 2);
  });

  it("keeps one copy of a plan recorded twice", () => {
    const records = new PlanRecords({ recordsPerIntersection: 10, explanationsPerIntersection: 10 });
    records.add({ plan: plan("i-1", 1), explanation: explanation(60), source: "adaptive" });
    records.add({ plan: plan("i-1", 1), explanation: explanation(60), source: "adaptive" });
    expect(records.latest("i-1", 10)).toHaveLength(1);
  });

  it("sizes its bounds to the city: the full 200 plans and 20 explanations each for a small one, fewer for a big one", () => {
    expect(planRecordBoundsFor(100)).toEqual({ recordsPerIntersection: 200, explanationsPerIntersection: 20 });
    expect(planRecordBoundsFor(5000)).toEqual({ recordsPerIntersection: 20, explanationsPerIntersection: 2 });
    expect(planRecordBoundsFor(1_000_000)).toEqual({ recordsPerIntersection: 5, explanationsPerIntersection: 1 });
  });
});
