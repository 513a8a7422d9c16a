import { describe, expect, it } from "vitest";
import { HIRES } from "../../../protocol/index.js";
import { ControllerCore } from "./controller.js";
import { parseControllerConfig, type ControllerConfigInput } from "./config.js";
import { hiresCodes, tickUntil } from "./test-support/drive.js";
import { T0 } from "./test-support/fixtures.js";

/**
 * Two phases, each with a stop-line loop and an area detector over its approach (a camera's view
 * of it), run actuated: greens extended from the areas' delayed vehicles (SUMO's delay_based).
 */
function areaConfig(overrides: Partial<ControllerConfigInput> = {}): ControllerConfigInput {
  return {
    signalGroups: [
      { id: "ns", kind: "vehicle" },
      { id: "ew", kind: "vehicle" },
    ],
    conflicts: [["ns", "ew"]],
    phases: [
      { phase: 1, groups: ["ns"], minGreenS: 5, maxGreenS: 40, yellowS: 3, redClearanceS: 1, detectors: ["d-ns"], areaDetectors: ["a-ns"] },
      { phase: 2, groups: ["ew"], minGreenS: 5, maxGreenS: 40, yellowS: 3, redClearanceS: 1, detectors: ["d-ew"], areaDetectors: ["a-ew"] },
    ],
    fallback: { mode: "actuated", cycleS: 60, splitsS: { "1": 30, "2": 30 } },
    ...overrides,
  };
}

/** Phase 1's green: its start, after the start-up all-red. */
function phase1Green(core: ControllerCore): number {
  return tickUntil(core, T0, (s) => s.groups.ns === "G").nowMs;
}

describe("green extension from area detectors (free operation)", () => {
  it("holds the green until a delayed vehicle can have reached the stop line, then ends it for the other phase's traffic", () => {
    const core = new ControllerCore(areaConfig(), T0);
    const green = phase1Green(core);
    // 2 s into the green: a queued vehicle (4 s of delay) 12 s from the stop line; a vehicle approaches on the other street.
    core.tick(green + 2_000);
    core.areaReport("a-ns", [{ delayS: 4, toStopLineS: 12 }], green + 2_000);
    core.areaReport("a-ew", [{ delayS: 0, toStopLineS: 6 }], green + 2_000);
    const end = tickUntil(core, green + 2_100, (s) => s.groups.ns !== "G");
    expect(end.nowMs - green).toBe(14_000);
    expect(hiresCodes(end.events, HIRES.phaseGapOut)).toEqual([1]);
  });

  it("does not hold the green for vehicles arriving unimpeded (delay at most areaMinDelayS)", () => {
    const core = new ControllerCore(areaConfig(), T0);
    const green = phase1Green(core);
    core.areaReport("a-ew", [{ delayS: 3, toStopLineS: 0.5 }], green);
    for (let t = green; t < green + 10_000; t += 1_000) {
      core.areaReport("a-ns", [{ delayS: 1, toStopLineS: 8 }], t);
      core.tick(t);
    }
    const end = tickUntil(core, green, (s) => s.groups.ns !== "G", { limitMs: 20_000 });
    expect(end.nowMs - green).toBeLessThanOrEqual(5_000);
  });

  it("takes the delay threshold from the configuration", () => {
    const core = new ControllerCore(areaConfig({ areaMinDelayS: 0.5 }), T0);
    const green = phase1Green(core);
    core.areaReport("a-ew", [{ delayS: 3, toStopLineS: 0.5 }], green);
    core.areaReport("a-ns", [{ delayS: 1, toStopLineS: 8 }], green + 1_000);
    const end = tickUntil(core, green + 100, (s) => s.groups.ns !== "G");
    expect(end.nowMs - green).toBe(9_000);
  });

  it("rests in green while no other phase has demand, and ends it as soon as one has", () => {
    const core = new ControllerCore(areaConfig(), T0);
    const green = phase1Green(core);
    for (let t = green; t <= green + 30_000; t += 500) {
      core.tick(t);
      expect(core.state().groups.ns).toBe("G");
    }
    core.areaReport("a-ew", [{ delayS: 0, toStopLineS: 7 }], green + 30_000);
    const end = tickUntil(core, green + 30_100, (s) => s.groups.ns !== "G", { stepMs: 100, limitMs: 1_000 });
    expect(end.nowMs - green).toBe(30_100);
    expect(hiresCodes(end.events, HIRES.phaseGapOut)).toEqual([1]);
  });

  it("still ends the green at max green while delayed vehicles keep coming and another phase waits", () => {
    const core = new ControllerCore(areaConfig(), T0);
    const green = phase1Green(core);
    core.detectorCall("d-ew", true, green);
    let t = green;
    const end = tickUntil(
      core,
      green,
      (s) => {
        t += 100;
        core.areaReport("a-ns", [{ delayS: 9, toStopLineS: 10 }], t);
        return s.groups.ns !== "G";
      },
      { limitMs: 60_000 },
    );
    expect(end.nowMs - green).toBe(40_000);
    expect(hiresCodes(end.events, HIRES.phaseMaxOut)).toEqual([1]);
  });

  it("a green whose area vehicles are not delayed gaps out from the area, not the loop: a loop actuation does not extend it", () => {
    const core = new ControllerCore(areaConfig(), T0);
    const green = phase1Green(core);
    core.areaReport("a-ew", [{ delayS: 2, toStopLineS: 1 }], green);
    core.tick(green + 4_000);
    core.detectorCall("d-ns", true, green + 4_000);
    core.detectorCall("d-ns", false, green + 4_500);
    const end = tickUntil(core, green + 4_600, (s) => s.groups.ns !== "G", { limitMs: 10_000 });
    expect(end.nowMs - green).toBe(5_000);
  });

  it("ignores reports from detectors it does not know, and bad numbers hold nothing", () => {
    const core = new ControllerCore(areaConfig(), T0);
    const green = phase1Green(core);
    core.areaReport("a-elsewhere", [{ delayS: 50, toStopLineS: 30 }], green);
    core.areaReport("a-ew", [{ delayS: 2, toStopLineS: 1 }], green);
    core.areaReport("a-ns", [{ delayS: Number.NaN, toStopLineS: 30 }, { delayS: 5, toStopLineS: Number.POSITIVE_INFINITY }], green);
    const end = tickUntil(core, green, (s) => s.groups.ns !== "G");
    expect(end.nowMs - green).toBe(5_000);
  });
});

describe("area detector configuration", () => {
  it("defaults the delay threshold to SUMO's minTimeLoss (1 s) and refuses a detector that is both a loop and an area", () => {
    expect(parseControllerConfig(areaConfig()).areaMinDelayS).toBe(1);
    const both = areaConfig();
    both.phases = both.phases.map((p) => (p.phase === 1 ? { ...p, areaDetectors: ["d-ns"] } : p));
    expect(() => parseControllerConfig(both)).toThrow(/phases\[0\]\.areaDetectors\[0\].*both a loop and an area detector/);
    expect(() => parseControllerConfig(areaConfig({ areaMinDelayS: -1 }))).toThrow(/areaMinDelayS/);
  });
});
