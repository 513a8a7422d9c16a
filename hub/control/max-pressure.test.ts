import { describe, expect, it } from "vitest";
import { computePlan } from "./engine.js";
import { phasePressures } from "./max-pressure.js";
import { demandOf, T0, twoPhase } from "./test-support/fixtures.js";

const downstreamAware = () =>
  twoPhase({
    policy: "max-pressure",
    maxPressureCycleS: 90,
    phases: [
      {
        phase: 2,
        minGreenS: 7,
        maxGreenS: 70,
        yellowS: 3,
        redClearanceS: 2,
        approaches: [{ approachId: "nb", lanes: 1, downstream: { intersectionId: "north-1", approachId: "nb" } }],
      },
      { phase: 4, minGreenS: 7, maxGreenS: 70, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "eb", lanes: 1 }] },
    ],
  });

describe("max-pressure policy", () => {
  it("gives more green to the phase with the bigger pressure, in proportion", () => {
    const config = downstreamAware();
    const { plan, explanation } = computePlan({ config, demand: demandOf({ nb: { flow: 300, queue: 24 }, eb: { flow: 300, queue: 8 } }), nowMs: T0 });
    expect(plan.policy).toBe("max-pressure");
    expect(plan.cycleS).toBe(90);
    expect(explanation.pressures).toEqual({ "2": 24, "4": 8 });
    // 80 s of green shared 24 : 8.
    expect(explanation.greens["2"]).toBe(60);
    expect(explanation.greens["4"]).toBe(20);
    expect(plan.reason).toBe("Max-pressure (fixed cycle): C=90s; Y=1.04 L=10s; phase 2 pressure=24.0 veh, phase 4 pressure=8.0 veh");
  });

  it("subtracts the queue waiting downstream at the neighbour", () => {
    const config = downstreamAware();
    const demand = demandOf({ nb: { flow: 300, queue: 24 }, eb: { flow: 300, queue: 8 } });
    const neighbours = { "north-1": demandOf({ nb: { flow: 500, queue: 20 } }) };
    const pressures = phasePressures(config, demand, neighbours);
    expect(pressures[0]).toEqual({ phase: 2, pressureVeh: 4, upstreamVeh: 24, downstreamVeh: 20 });
    const { explanation } = computePlan({ config, demand, neighbours, nowMs: T0 });
    expect(explanation.greens["4"]).toBeGreaterThan(explanation.greens["2"]);
  });

  it("never counts a negative pressure, and keeps minimum greens when nothing presses", () => {
    const config = downstreamAware();
    const neighbours = { "north-1": demandOf({ nb: { flow: 0, queue: 50 } }) };
    const pressures = phasePressures(config, demandOf({ nb: { flow: 0, queue: 3 } }), neighbours);
    expect(pressures[0].pressureVeh).toBe(0);
    const { explanation } = computePlan({ config, demand: demandOf({}), nowMs: T0 });
    expect(explanation.greens["2"]).toBeGreaterThanOrEqual(7);
    expect(Math.abs(explanation.greens["2"] - explanation.greens["4"])).toBeLessThanOrEqual(1);
  });

  it("uses Webster's cycle when no cycle is configured", () => {
    const config = twoPhase({ policy: "max-pressure" });
    const { plan } = computePlan({ config, demand: demandOf({ nb: { flow: 540, queue: 2 }, eb: { flow: 450, queue: 6 } }), nowMs: T0 });
    const webster = computePlan({ config: twoPhase(), demand: demandOf({ nb: { flow: 540, queue: 2 }, eb: { flow: 450, queue: 6 } }), nowMs: T0 });
    expect(plan.cycleS).toBe(webster.plan.cycleS);
    expect(plan.splitsS["4"]).toBeGreaterThan(plan.splitsS["2"]);
    expect(plan.reason).toMatch(/^Max-pressure \(Webster cycle\): C=\d+s/);
  });
});
