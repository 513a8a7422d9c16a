import { describe, expect, it } from "vitest";
import { FixedTimeSignals } from "./fixed-time-signals.js";
import { parseScenario, type Scenario } from "./scenario.js";

function threePhase(): Scenario {
  const approach = { lanes: { through: 1, left: 1 } };
  return parseScenario({
    name: "three-phase",
    intersections: [
      {
        id: "x",
        position: { xM: 0, yM: 0 },
        approaches: { N: approach, E: approach, S: approach, W: approach },
        phases: [
          { phase: 1, movements: [{ approach: "E", turn: "left" }, { approach: "W", turn: "left" }], yellowS: 3, redClearanceS: 1 },
          {
            phase: 2,
            movements: [
              { approach: "E", turn: "through" },
              { approach: "W", turn: "through" },
              { approach: "E", turn: "left" },
              { approach: "W", turn: "left" },
            ],
            yellowS: 4,
            redClearanceS: 2,
          },
          { phase: 4, movements: [{ approach: "N", turn: "through" }, { approach: "S", turn: "through" }, { approach: "N", turn: "left" }, { approach: "S", turn: "left" }], yellowS: 3, redClearanceS: 1 },
        ],
      },
    ],
    demand: [{ intersectionId: "x", approach: "W", profile: [{ tS: 0, vehPerHour: 100 }] }],
  });
}

describe("FixedTimeSignals", () => {
  const plan = { splitsS: { 1: 12, 2: 40, 4: 28 }, offsetS: 10 };

  it("runs each phase's green, then yellow, then red clearance, in order", () => {
    const signals = new FixedTimeSignals(threePhase(), { plan });
    expect(signals.planOf("x")).toEqual({ cycleS: 80, offsetS: 10, splitsS: { 1: 12, 2: 40, 4: 28 } });
    // Phase 2 runs 12–52 s after the offset: green to 46, yellow to 50, red clearance to 52.
    const at = (s: number) => signals.stateOf("x", "E", "through", 10 + s);
    expect(at(11.9)).toBe("R");
    expect(at(12)).toBe("G");
    expect(at(45.9)).toBe("G");
    expect(at(46)).toBe("Y");
    expect(at(49.9)).toBe("Y");
    expect(at(50)).toBe("R");
    expect(signals.phaseAt("x", 10 + 70)).toBe(4);
    expect(signals.stateOf("x", "N", "through", 10 + 70)).toBe("G");
    // A cycle later, the same.
    expect(signals.stateOf("x", "E", "through", 10 + 80 + 30)).toBe("G");
  });

  it("keeps a movement green across the change into the next phase that also serves it", () => {
    const signals = new FixedTimeSignals(threePhase(), { plan });
    // Phase 1 (0–12 s) hands over to phase 2 (12–52 s), whose green ends at 46 s.
    for (let s = 0; s < 46; s += 0.5) expect(signals.stateOf("x", "W", "left", 10 + s)).toBe("G");
    expect(signals.stateOf("x", "W", "left", 10 + 47)).toBe("Y");
    expect(signals.stateOf("x", "W", "left", 10 + 60)).toBe("R");
  });

  it("scales default greens to a requested cycle", () => {
    const signals = new FixedTimeSignals(threePhase(), { plan: { cycleS: 100 } });
    const { cycleS, splitsS } = signals.planOf("x");
    expect(cycleS).toBeCloseTo(100);
    expect(splitsS[1] + splitsS[2] + splitsS[4]).toBeCloseTo(100);
  });

  it("uses an intersection's own plan over the default", () => {
    const signals = new FixedTimeSignals(threePhase(), { plan, byIntersection: { x: { splitsS: { 1: 10, 2: 30, 4: 20 } } } });
    expect(signals.planOf("x").cycleS).toBe(60);
  });

  it("rejects a split that leaves no green and splits that do not add up to the cycle", () => {
    expect(() => new FixedTimeSignals(threePhase(), { plan: { splitsS: { 1: 4, 2: 40, 4: 28 } } })).toThrow(/split 4 s for phase 1/);
    expect(() => new FixedTimeSignals(threePhase(), { plan: { cycleS: 90, splitsS: { 1: 12, 2: 40, 4: 28 } } })).toThrow(/add up to 80 s but cycleS is 90 s/);
    expect(() => new FixedTimeSignals(threePhase(), { plan: { splitsS: { 1: 12, 2: 40 } } })).toThrow(/no split for phase 4/);
  });
});
