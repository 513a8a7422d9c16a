import { describe, expect, it } from "vitest";
import { demandFromWindow, emptyDemand, flowVehPerHour, foldDemand, phaseDemands, unmeasuredApproaches, updateDemand } from "./demand.js";
import { fourPhase, measures, T0, twoPhase } from "./test-support/fixtures.js";

describe("demand from measures", () => {
  it("turns a count over an interval into an hourly flow", () => {
    expect(flowVehPerHour(9, 60_000)).toBe(540);
    expect(flowVehPerHour(3, 15_000)).toBe(720);
  });

  it("takes the first interval as it is", () => {
    const state = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 10, queue: 4 } }));
    expect(state.approaches.nb).toMatchObject({ flowVehPerHour: 600, cycleFlowVehPerHour: 600, queueVeh: 4, occupancy: 0.1, lastTs: T0 });
    expect(state.lastTs).toBe(T0);
  });

  it("weighs each new interval by 1 − exp(−interval / time constant)", () => {
    const options = { timeConstantMs: 60_000 };
    let state = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 10 } }), options);
    state = updateDemand(state, measures(T0 + 60_000, 60_000, { nb: { count: 20 } }), options);
    const weight = 1 - Math.exp(-1);
    expect(state.approaches.nb.flowVehPerHour).toBeCloseTo(600 + weight * (1200 - 600), 9);
  });

  it("averages the cycle's flow over a longer horizon, bias-corrected so the first intervals count as their mean", () => {
    const options = { timeConstantMs: 60_000, cycleTimeConstantMs: 600_000 };
    let state = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 10 } }), options);
    state = updateDemand(state, measures(T0 + 60_000, 60_000, { nb: { count: 20 } }), options);
    // Two one-minute intervals weighted w and w(1 − w)... normalised: close to their plain mean, 900 veh/h,
    // the newer a little heavier; the fast average has moved most of the way to 1,200.
    const w = 1 - Math.exp(-0.1);
    expect(state.approaches.nb.cycleFlowVehPerHour).toBeCloseTo((w * (1 - w) * 600 + w * 1200) / (w + w * (1 - w)), 9);
    expect(state.approaches.nb.cycleFlowVehPerHour).toBeGreaterThan(900);
    expect(state.approaches.nb.cycleFlowVehPerHour).toBeLessThan(950);
    expect(state.approaches.nb.flowVehPerHour).toBeGreaterThan(950);
    // A long steady stretch converges on the steady flow.
    for (let i = 2; i < 120; i++) state = updateDemand(state, measures(T0 + i * 60_000, 60_000, { nb: { count: 5 } }), options);
    expect(state.approaches.nb.cycleFlowVehPerHour).toBeCloseTo(300, 0);
  });

  it("weighs the most recent intervals most, whatever order the window comes in", () => {
    const rising = [measures(T0, 60_000, { nb: { count: 5 } }), measures(T0 + 60_000, 60_000, { nb: { count: 10 } }), measures(T0 + 120_000, 60_000, { nb: { count: 30 } })];
    const state = demandFromWindow([rising[2], rising[0], rising[1]]);
    const mean = (300 + 600 + 1800) / 3;
    expect(state.approaches.nb.flowVehPerHour).toBeGreaterThan(mean);
    expect(state.approaches.nb.flowVehPerHour).toBeLessThan(1800);
    expect(state.lastTs).toBe(T0 + 120_000);
  });

  it("ignores a repeated or older interval (a QoS 1 redelivery or an outbox replay)", () => {
    const first = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 10 } }));
    expect(updateDemand(first, measures(T0, 60_000, { nb: { count: 50 } }))).toBe(first);
    expect(updateDemand(first, measures(T0 - 60_000, 60_000, { nb: { count: 50 } }))).toBe(first);
  });

  it("folds in place to the same state as updateDemand, leaving the previous state of updateDemand untouched", () => {
    const sequence = [
      measures(T0, 60_000, { nb: { count: 10, queue: 4 } }),
      measures(T0 + 60_000, 60_000, { nb: { count: 20, queue: 1 }, sb: { count: 3 } }),
      measures(T0 + 60_000, 60_000, { nb: { count: 99 } }), // a redelivery: ignored by both
      measures(T0 + 120_000, 30_000, { sb: { count: 7, queue: 2 } }),
    ];
    const inPlace = emptyDemand();
    const approachesObject = inPlace.approaches;
    let pure = emptyDemand() as ReturnType<typeof updateDemand>;
    const verdicts: boolean[] = [];
    for (const m of sequence) {
      const before = pure;
      const snapshot = JSON.stringify(before);
      pure = updateDemand(pure, m);
      expect(JSON.stringify(before)).toBe(snapshot);
      verdicts.push(foldDemand(inPlace, m));
    }
    expect(verdicts).toEqual([true, true, false, true]);
    expect(inPlace).toEqual(pure);
    expect(inPlace.approaches).toBe(approachesObject);
  });

  it("gives a phase the largest per-lane ratio of the approaches it serves, scaled by share", () => {
    const config = fourPhase();
    const state = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 20 }, sb: { count: 30 }, eb: { count: 8 }, wb: { count: 5 } }));
    const byPhase = Object.fromEntries(phaseDemands(config, state, 90).map((d) => [d.phase, d]));
    // nb 1200 veh/h: phase 1 takes 20 % on one lane, phase 2 takes 80 % on two lanes; sb 1800 veh/h on two lanes.
    expect(byPhase[1].flowRatio).toBeCloseTo((1200 * 0.2) / 1800, 10);
    expect(byPhase[2].flowRatio).toBeCloseTo(1800 / 2 / 1800, 10);
    expect(byPhase[2].criticalApproachId).toBe("sb");
    expect(byPhase[4].flowRatio).toBeCloseTo(Math.max(480 * 0.75, 300) / 1800, 10);
  });

  it("adds a standing queue as flow that must clear within one cycle", () => {
    const config = twoPhase();
    const state = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 9, queue: 12 }, eb: { count: 9 } }));
    const [phase2, phase4] = phaseDemands(config, state, 60);
    expect(phase2.flowRatio).toBeCloseTo(540 / 1800, 10);
    expect(phase2.demandRatio).toBeCloseTo((540 + (12 * 3600) / 60) / 1800, 10);
    expect(phase2.criticalQueueVeh).toBe(12);
    expect(phase4.demandRatio).toBeCloseTo(phase4.flowRatio, 10);
  });

  it("lists the configured approaches it has no measures for", () => {
    const state = updateDemand(emptyDemand(), measures(T0, 60_000, { nb: { count: 1 }, elsewhere: { count: 3 } }));
    expect(unmeasuredApproaches(twoPhase(), state)).toEqual(["eb", "sb", "wb"]);
  });
});
