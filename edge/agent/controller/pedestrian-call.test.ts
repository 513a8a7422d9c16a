import { describe, expect, it } from "vitest";
import { HIRES, type ControllerEvent } from "../../../protocol/index.js";
import { eventLogOf, pedestrianDelay } from "../../../hub/atspm/index.js";
import { ControllerCore } from "./controller.js";
import { hiresCodes, tickUntil } from "./test-support/drive.js";
import { fourPhaseConfig, T0 } from "./test-support/fixtures.js";

const hiresOf = (events: readonly ControllerEvent[]) => events.flatMap((e) => (e.type === "hires" ? [{ ts: e.ts, code: e.code, param: e.param }] : []));

describe("pedestrian push-button calls", () => {
  it("logs event 45 for the first press before the phase's walk, and pedestrian delay reads press to walk", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const phase1 = tickUntil(core, T0, (s) => s.activePhases.includes(1));
    const pressMs = phase1.nowMs + 50;
    const pressed = core.pedestrianCall(4, pressMs);
    expect(pressed).toEqual([{ type: "hires", ts: pressMs, code: HIRES.pedCallRegistered, param: 4 }]);
    // Pressed again before the walk: the call is already registered.
    expect(core.pedestrianCall(4, pressMs + 1000)).toEqual([]);
    // No pedestrian timing on phase 1, and no phase 9.
    expect(core.pedestrianCall(1, pressMs + 1000)).toEqual([]);
    expect(core.pedestrianCall(9, pressMs + 1000)).toEqual([]);

    const walk = tickUntil(core, pressMs + 100, (s) => s.groups["ped-ew"] === "G");
    expect(hiresCodes(walk.events, HIRES.pedBeginWalk)).toEqual([2, 4]);
    const [delay] = pedestrianDelay(eventLogOf(hiresOf([...pressed, ...walk.events])));
    expect(delay).toMatchObject({ phase: 4, walkMs: [walk.nowMs], delayS: [(walk.nowMs - pressMs) / 1000] });

    // During the walk a press registers nothing; once it is over, a press is a new call.
    expect(core.pedestrianCall(4, walk.nowMs)).toEqual([]);
    const clearance = tickUntil(core, walk.nowMs + 100, (s) => s.groups["ped-ew"] === "FR");
    expect(hiresCodes(core.pedestrianCall(4, clearance.nowMs), HIRES.pedCallRegistered)).toEqual([4]);
  });

  it("brings an actuated phase round that no vehicle calls", () => {
    const base = fourPhaseConfig();
    const core = new ControllerCore({ ...base, fallback: { ...base.fallback, mode: "actuated" as const } }, T0);
    // Phases 1, 3 and 4 have detectors and no vehicle on them: only phase 2 (no detectors: recall) runs.
    const idle: ControllerEvent[] = [];
    for (let t = T0; t <= T0 + 300_000; t += 100) idle.push(...core.tick(t).events);
    expect(new Set(hiresCodes(idle, HIRES.phaseBeginGreen))).toEqual(new Set([2]));
    const pressMs = T0 + 300_050;
    expect(hiresCodes(core.pedestrianCall(4, pressMs), HIRES.pedCallRegistered)).toEqual([4]);
    const served = tickUntil(core, pressMs + 50, (s) => s.groups["ped-ew"] === "G", { limitMs: 120_000 });
    expect(served.state.activePhases).toEqual([4]);
    expect(hiresCodes(served.events, HIRES.pedBeginWalk)).toContain(4);
  });
});
