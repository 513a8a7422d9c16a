import { describe, expect, it } from "vitest";
import { checkPlanAgainstRules } from "./check.js";
import { emptyDemand } from "./demand.js";
import { computePlan, websterFixedPlan } from "./engine.js";
import { websterCycleS } from "./webster.js";
import { demandOf, fourPhase, T0, twoPhase } from "./test-support/fixtures.js";

const SATURATION = 1800;

describe("Webster cycle and splits", () => {
  it("matches the textbook example: y = 0.30 and 0.25, L = 10 s gives C0 = 44.4 s", () => {
    // By hand: C0 = (1.5 × 10 + 5) / (1 − 0.55) = 44.44 s → 44 s. Effective green 44 − 10 = 34 s,
    // phase 2: 34 × 0.30 / 0.55 = 18.55 s, phase 4: 15.45 s; splits add 5 s → 23.55 and 20.45 → 24 + 20.
    const config = twoPhase();
    const demand = demandOf({ nb: { flow: 0.3 * SATURATION }, sb: { flow: 100 }, eb: { flow: 0.25 * SATURATION }, wb: { flow: 50 } });
    const { plan, explanation } = computePlan({ config, demand, nowMs: T0 });
    expect(explanation.L).toBe(10);
    expect(explanation.Y).toBeCloseTo(0.55, 10);
    expect(explanation.C0).toBeCloseTo(20 / 0.45, 10);
    expect(plan.cycleS).toBe(44);
    expect(plan.splitsS).toEqual({ "2": 24, "4": 20 });
    expect(explanation.greens).toEqual({ "2": 19, "4": 15 });
    expect(explanation.criticalRatios["2"]).toBeCloseTo(0.3, 10);
    expect(explanation.criticalRatios["4"]).toBeCloseTo(0.25, 10);
    expect(websterCycleS(10, 0.55)).toBeCloseTo(44.444, 3);
  });

  it("states the numbers it used in the plan's reason", () => {
    const config = twoPhase();
    const demand = demandOf({ nb: { flow: 540 }, sb: { flow: 0 }, eb: { flow: 450 }, wb: { flow: 0 } });
    const { plan } = computePlan({ config, demand, nowMs: T0 });
    expect(plan.reason).toBe("Webster: Y=0.55 L=10s → C0=44.4s, C=44s; phase 2 y=0.30, phase 4 y=0.25");
    expect(plan.planId).toBe(`main-1st-${T0}`);
    expect(plan.validUntil).toBe(T0 + 300_000);
    expect(plan.policy).toBe("webster");
    expect(plan.offsetS).toBe(0);
  });

  it("raises a short Webster cycle to the minimum cycle", () => {
    const config = twoPhase({ minCycleS: 60 });
    const { plan, explanation } = computePlan({ config, demand: demandOf({ nb: { flow: 180 }, eb: { flow: 180 } }), nowMs: T0 });
    // C0 = 20 / (1 − 0.2) = 25 s.
    expect(explanation.C0).toBeCloseTo(25, 10);
    expect(plan.cycleS).toBe(60);
    expect(explanation.boundedBy).toBe("min-cycle");
    expect(plan.reason).toContain("C=60s (min cycle)");
  });

  it("caps a long Webster cycle at the maximum cycle", () => {
    const config = twoPhase({ maxCycleS: 90, oversaturationY: 0.95 });
    // Y = 0.85 → C0 = 20 / 0.15 = 133 s.
    const { plan, explanation } = computePlan({ config, demand: demandOf({ nb: { flow: 0.45 * SATURATION }, eb: { flow: 0.4 * SATURATION } }), nowMs: T0 });
    expect(explanation.C0).toBeCloseTo(133.33, 1);
    expect(plan.cycleS).toBe(90);
    expect(explanation.oversaturated).toBe(false);
    expect(explanation.boundedBy).toBe("max-cycle");
  });

  it("gives every phase its minimum green (pedestrian time included) when there is no demand", () => {
    const config = fourPhase({ minCycleS: 40 });
    const { plan, explanation } = computePlan({ config, demand: emptyDemand(), nowMs: T0 });
    expect(checkPlanAgainstRules(config, plan)).toEqual({ ok: true });
    expect(explanation.Y).toBe(0);
    // Phase 2's minimum green is its walk + pedestrian clearance, 19 s.
    expect(explanation.greens["2"]).toBeGreaterThanOrEqual(19);
    expect(explanation.greens["1"]).toBeGreaterThanOrEqual(5);
    expect(explanation.greens["4"]).toBeGreaterThanOrEqual(8);
    expect(plan.reason).toContain("no measures yet for eb, nb, sb, wb");
  });

  it("keeps greens at or below max green and hands the surplus to the other phases", () => {
    const config = twoPhase({ minCycleS: 100, phases: [
      { phase: 2, minGreenS: 7, maxGreenS: 25, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "nb", lanes: 1 }] },
      { phase: 4, minGreenS: 7, maxGreenS: 90, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "eb", lanes: 1 }] },
    ] });
    const { plan, explanation } = computePlan({ config, demand: demandOf({ nb: { flow: 900 }, eb: { flow: 100 } }), nowMs: T0 });
    expect(plan.cycleS).toBe(100);
    expect(explanation.greens["2"]).toBe(25);
    expect(explanation.greens["4"]).toBe(65);
    expect(plan.splitsS["2"] + plan.splitsS["4"]).toBe(100);
  });

  it("runs the maximum cycle when oversaturated and shares green so standing queues balance", () => {
    const config = twoPhase({ maxCycleS: 120, cycleFrom: "flow-and-queue", phases: [
      { phase: 2, minGreenS: 7, maxGreenS: 100, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "nb", lanes: 1 }] },
      { phase: 4, minGreenS: 7, maxGreenS: 100, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "eb", lanes: 1 }] },
    ] });
    // Counts near capacity on both phases, but phase 4 has a far longer standing queue.
    const demand = demandOf({ nb: { flow: 800, queue: 5 }, eb: { flow: 800, queue: 40 } });
    const { plan, explanation } = computePlan({ config, demand, nowMs: T0 });
    expect(explanation.oversaturated).toBe(true);
    expect(plan.cycleS).toBe(120);
    // Queue terms over the 120 s cycle: q × 3600 / 120 veh/h added to each flow.
    expect(explanation.criticalRatios["2"]).toBeCloseTo((800 + 5 * 30) / SATURATION, 10);
    expect(explanation.criticalRatios["4"]).toBeCloseTo((800 + 40 * 30) / SATURATION, 10);
    expect(explanation.greens["4"]).toBeGreaterThan(explanation.greens["2"]);
    // Greens in proportion to the queue-inclusive ratios: 110 s × 2000 / 2950 = 74.6 s for phase 4.
    expect(Math.abs(explanation.greens["4"] - (110 * 2000) / 2950)).toBeLessThanOrEqual(1);
    expect(plan.reason).toMatch(/^Webster: oversaturated, Y=1\.64 L=10s → C0=∞, C=120s \(max cycle, greens balance queues\)/);
    expect(plan.reason).toContain("phase 4 y=1.11 (queue 40 veh)");
  });

  it("with cycleFrom flow-and-queue, lengthens the cycle to clear a standing queue, at the cycle where Webster's formula agrees with itself", () => {
    const config = twoPhase({ cycleFrom: "flow-and-queue" });
    const flows = { nb: { flow: 540 }, eb: { flow: 450 } };
    const without = computePlan({ config, demand: demandOf(flows), nowMs: T0 });
    const withQueue = computePlan({ config, demand: demandOf({ ...flows, nb: { flow: 540, queue: 6 } }), nowMs: T0 });
    const cycleS = withQueue.plan.cycleS;
    expect(cycleS).toBeGreaterThan(without.plan.cycleS);
    expect(withQueue.explanation.oversaturated).toBe(false);
    // Y from the queue spread over the cycle itself gives (about) that same cycle back.
    expect(Math.abs((websterCycleS(10, withQueue.explanation.Y) ?? Infinity) - cycleS)).toBeLessThanOrEqual(1);
    expect(withQueue.explanation.criticalRatios["2"]).toBeGreaterThan(0.3);
  });

  it("sets the cycle from the counted flow: a standing queue shapes the splits, not the cycle", () => {
    const config = twoPhase();
    const flows = { nb: { flow: 540 }, eb: { flow: 450 } };
    const without = computePlan({ config, demand: demandOf(flows), nowMs: T0 });
    const withQueue = computePlan({ config, demand: demandOf({ ...flows, nb: { flow: 540, queue: 6 } }), nowMs: T0 });
    // y = 0.3 + 0.25: C0 = 20 / 0.45 = 44.4 s either way (the mean queue of a cycle's red is already in the flow).
    expect(withQueue.plan.cycleS).toBe(44);
    expect(without.plan.cycleS).toBe(44);
    expect(withQueue.explanation.greens["2"]).toBeGreaterThan(without.explanation.greens["2"]);
    expect(withQueue.plan.reason).toMatch(/^Webster: Y=0\.55 L=10s → C0=44\.4s, C=44s/);
  });

  it("grows the cycle of a saturated intersection from its flow alone: a green used to the full counts its capacity", () => {
    const config = twoPhase({ maxCycleS: 120 });
    // Both phases discharge at capacity in a 60 s cycle (green 25 s of 60 at 1,800 veh/h): 750 veh/h each,
    // Y = 0.83 → C0 = 20 / 0.17 = 120 s: the cycle grows, though no queue is seen.
    const { plan } = computePlan({ config, demand: demandOf({ nb: { flow: 750 }, eb: { flow: 750 } }), nowMs: T0 });
    expect(plan.cycleS).toBe(120);
    const over = computePlan({ config, demand: demandOf({ nb: { flow: 850 }, eb: { flow: 850 } }), nowMs: T0 });
    expect(over.explanation.oversaturated).toBe(true);
  });

  it("builds the fixed-time baseline a traffic engineer would set for an average demand", () => {
    const config = twoPhase();
    // 360 veh/h on every approach, one lane: y = 0.2 per phase, Y = 0.4 → C0 = 20 / 0.6 = 33.3 s → 33 s.
    const { plan, explanation } = websterFixedPlan(config, 360);
    expect(explanation.C0).toBeCloseTo(33.33, 2);
    expect(plan.cycleS).toBe(33);
    expect(plan.policy).toBe("fixed");
    expect(plan.planId).toBe("main-1st-webster-fixed");
    expect(Math.abs(plan.splitsS["2"] - plan.splitsS["4"])).toBeLessThanOrEqual(1);
    const uneven = websterFixedPlan(config, { nb: 720, eb: 180 });
    expect(uneven.plan.splitsS["2"]).toBeGreaterThan(uneven.plan.splitsS["4"]);
  });
});
