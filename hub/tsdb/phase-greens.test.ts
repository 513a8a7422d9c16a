import { describe, expect, it } from "vitest";
import { HIRES, type ControllerEvent } from "../../protocol/index.js";
import { PhaseGreenTracker } from "./phase-greens.js";

const hires = (ts: number, code: number, param: number): ControllerEvent => ({ type: "hires", ts, code, param });

describe("PhaseGreenTracker", () => {
  it("pairs each begin-green with its phase's begin-yellow, across messages, with how the green ended", () => {
    const tracker = new PhaseGreenTracker();
    expect(
      tracker.take("x", [
        hires(1_000, HIRES.phaseBeginGreen, 2),
        hires(1_000, HIRES.pedBeginWalk, 2),
        hires(20_000, HIRES.phaseGapOut, 2),
        hires(20_000, HIRES.phaseBeginYellow, 2),
        hires(25_500, HIRES.phaseBeginGreen, 4),
      ]),
    ).toEqual([{ phase: 2, startMs: 1_000, endMs: 20_000, termination: "gap-out" }]);
    // Another intersection's events do not close phase 4 here.
    expect(tracker.take("y", [hires(30_000, HIRES.phaseBeginYellow, 4)])).toEqual([]);
    expect(tracker.take("x", [{ type: "ack", ts: 40_000, commandId: "c", result: "accepted" }, hires(40_000, HIRES.phaseForceOff, 4), hires(40_000, HIRES.phaseBeginYellow, 4)])).toEqual([
      { phase: 4, startMs: 25_500, endMs: 40_000, termination: "force-off" },
    ]);
  });

  it("ignores a yellow without a green seen, and a green cut short restarts from its next begin-green", () => {
    const tracker = new PhaseGreenTracker();
    expect(tracker.take("x", [hires(1_000, HIRES.phaseBeginYellow, 1)])).toEqual([]);
    expect(
      tracker.take("x", [hires(2_000, HIRES.phaseBeginGreen, 1), hires(3_000, HIRES.phaseBeginGreen, 1), hires(9_000, HIRES.phaseMaxOut, 1), hires(9_000, HIRES.phaseBeginYellow, 1)]),
    ).toEqual([{ phase: 1, startMs: 3_000, endMs: 9_000, termination: "max-out" }]);
    expect(tracker.take("x", [hires(10_000, HIRES.phaseBeginYellow, 1)])).toEqual([]);
  });

  it("keeps at most the configured number of intersections, forgetting the least recently heard", () => {
    const tracker = new PhaseGreenTracker(2);
    tracker.take("a", [hires(0, HIRES.phaseBeginGreen, 2)]);
    tracker.take("b", [hires(0, HIRES.phaseBeginGreen, 2)]);
    tracker.take("a", []);
    tracker.take("c", [hires(0, HIRES.phaseBeginGreen, 2)]);
    expect(tracker.take("a", [hires(5_000, HIRES.phaseBeginYellow, 2)])).toHaveLength(1);
    expect(tracker.take("b", [hires(5_000, HIRES.phaseBeginYellow, 2)])).toEqual([]);
  });
});
