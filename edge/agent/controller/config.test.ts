import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../protocol/index.js";
import { parseControllerConfig } from "./config.js";
import { fourPhaseConfig } from "./test-support/fixtures.js";

function errorOf(value: unknown): string {
  try {
    parseControllerConfig(value);
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("controller configuration", () => {
  it("accepts a four-phase intersection and fills in the defaults", () => {
    const config = parseControllerConfig(fourPhaseConfig());
    expect(config.phases[1].detectors).toEqual([]);
    expect(config.phases[0].passageS).toBe(3);
    expect(config.transitionMode).toBe("cycle-boundary");
  });

  it("refuses a per-detector passage time for a detector the phase does not list, or a negative one", () => {
    const c = fourPhaseConfig();
    c.phases = structuredClone(c.phases);
    c.phases[0].detectorPassageS = { "d-nsl": 1, "d-ew": 2 };
    c.phases[2].detectorPassageS = { "d-ewl": -1 };
    const message = errorOf(c);
    expect(message).toContain(`config.phases[0].detectorPassageS.d-ew: detector "d-ew" is not one of phase 1's detectors`);
    expect(message).toMatch(/config\.phases\[2\]\.detectorPassageS\.d-ewl: Too small/);
    expect(message).not.toContain("d-nsl");
  });

  it("refuses two conflicting groups in one phase, whatever the phase says", () => {
    const c = fourPhaseConfig();
    c.phases = structuredClone(c.phases);
    c.phases[3].groups = ["ew", "ped-ew", "ewl"];
    expect(errorOf(c)).toContain('config.phases[3].groups[2]: signal groups "ew" and "ewl" conflict and cannot have the right of way together in phase 4');
  });

  it("refuses a yellow below 3 s and a red clearance below 0.5 s", () => {
    const c = fourPhaseConfig();
    c.phases = structuredClone(c.phases);
    c.phases[0].yellowS = 2.5;
    c.phases[2].redClearanceS = 0;
    const message = errorOf(c);
    expect(message).toMatch(/config\.phases\[0\]\.yellowS: Too small: expected number to be >=3/);
    expect(message).toMatch(/config\.phases\[2\]\.redClearanceS: Too small/);
  });

  it("refuses fallback splits that do not add up to the cycle, or leave a phase short", () => {
    const c = fourPhaseConfig();
    expect(errorOf({ ...c, fallback: { ...c.fallback, cycleS: 95 } })).toContain("config.fallback.cycleS: splits add up to 90 s but the cycle is 95 s");
    expect(errorOf({ ...c, fallback: { ...c.fallback, splitsS: { "1": 8, "2": 44, "3": 12, "4": 26 } } })).toContain(
      "config.fallback.splitsS.1: phase 1 split 8 s is below its minimum 9 s",
    );
  });

  it("refuses unknown groups, self-conflicts, unserved groups and pedestrians without timing", () => {
    const c = fourPhaseConfig();
    expect(errorOf({ ...c, conflicts: [...c.conflicts, ["ns", "nowhere"]] })).toContain('config.conflicts[12][1]: unknown signal group "nowhere"');
    expect(errorOf({ ...c, conflicts: [["ns", "ns"]] })).toContain('config.conflicts[0]: signal group "ns" cannot conflict with itself');
    expect(errorOf({ ...c, signalGroups: [...c.signalGroups, { id: "spare", kind: "vehicle" }] })).toContain(
      'config.signalGroups[6]: signal group "spare" is not served by any phase',
    );
    const phases = structuredClone(c.phases);
    delete phases[1].pedWalkS;
    delete phases[1].pedClearanceS;
    expect(errorOf({ ...c, phases })).toContain("config.phases[1].pedWalkS: phase 2 serves pedestrians and needs pedWalkS and pedClearanceS");
  });

  it("refuses a start-up all-red shorter than the longest red clearance", () => {
    expect(errorOf({ ...fourPhaseConfig(), startupAllRedS: 1 })).toContain("config.startupAllRedS: start-up all-red 1 s is shorter than the longest red clearance 2 s");
  });
});
