import { describe, expect, it } from "vitest";
import { ValidationError } from "../../protocol/index.js";
import { parseIntersectionTiming } from "./config.js";

const phase = (n: number, extra: Record<string, unknown> = {}) => ({
  phase: n,
  minGreenS: 7,
  maxGreenS: 40,
  yellowS: 4,
  redClearanceS: 1,
  approaches: [{ approachId: `a${n}`, lanes: 1 }],
  ...extra,
});

describe("intersection timing configuration", () => {
  it("fills in the documented defaults", () => {
    const config = parseIntersectionTiming({ intersectionId: "x", phases: [phase(2), phase(4)] });
    expect(config).toMatchObject({
      policy: "webster",
      minCycleS: 40,
      maxCycleS: 150,
      saturationFlowVehPerHourPerLane: 1800,
      extraLostTimePerPhaseS: 0,
      cycleFrom: "flow",
      smoothing: { maxCycleChangeS: 30, weight: 0.4, cycleHoldFraction: 0.25 },
      planValidityS: 300,
      planRefreshS: 60,
    });
    expect(config.phases[0].approaches[0].share).toBe(1);
  });

  it("names the bad field in its error", () => {
    expect(() => parseIntersectionTiming({ intersectionId: "x", phases: [phase(2), phase(4, { yellowS: 2 })] })).toThrow(
      /^timing\.phases\[1\]\.yellowS: Too small: expected number to be >=3/,
    );
    expect(() => parseIntersectionTiming({ intersectionId: "x", phases: [phase(2, { approaches: [{ approachId: "a", lanes: 1, share: 1.5 }] })] })).toThrow(
      ValidationError,
    );
  });

  it("rejects limits that contradict each other", () => {
    const attempt = (value: Record<string, unknown>) => () => parseIntersectionTiming({ intersectionId: "x", phases: [phase(2), phase(4)], ...value });
    expect(attempt({ phases: [phase(2, { maxGreenS: 5 })] })).toThrow("timing.phases[0].maxGreenS: max green 5 s is below min green 7 s");
    expect(attempt({ phases: [phase(2, { pedWalkS: 7 })] })).toThrow("timing.phases[0].pedClearanceS: pedWalkS and pedClearanceS go together");
    expect(attempt({ phases: [phase(2, { pedWalkS: 20, pedClearanceS: 25 })] })).toThrow(
      "timing.phases[0].pedWalkS: walk + pedestrian clearance (45 s) does not fit in max green 40 s",
    );
    expect(attempt({ phases: [phase(2), phase(2)] })).toThrow("timing.phases[1].phase: phase 2 appears twice in the sequence");
    expect(attempt({ minCycleS: 90, maxCycleS: 60 })).toThrow("timing.minCycleS: min cycle 90 s is above max cycle 60 s");
    expect(attempt({ maxCycleS: 20, minCycleS: 20 })).toThrow("timing.maxCycleS: the phases' minimum splits (whole seconds) add up to 24 s, above max cycle 20 s");
    expect(attempt({ minCycleS: 120 })).toThrow("timing.minCycleS: the phases' maximum splits (whole seconds) add up to 90 s, below min cycle 120 s");
    expect(attempt({ corridor: { id: "main", positionM: 0, progressionSpeedKmh: 50, mainPhase: 6 } })).toThrow(
      "timing.corridor.mainPhase: phase 6 is not in the sequence (2, 4)",
    );
    expect(attempt({ planRefreshS: 300 })).toThrow("timing.planRefreshS: a plan refreshed every 300 s expires first");
    expect(attempt({ policy: "max-pressure", maxPressureCycleS: 100 })).toThrow("timing.maxPressureCycleS: expected a cycle the phases can fill, 24–90 s, got 100 s");
  });
});
