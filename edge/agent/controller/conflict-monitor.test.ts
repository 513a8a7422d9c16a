import { describe, expect, it } from "vitest";
import { parseControllerConfig } from "./config.js";
import { ConflictMonitor, monitorRulesFromConfig, type GroupStates } from "./conflict-monitor.js";
import { fourPhaseConfig, T0 } from "./test-support/fixtures.js";

const rules = monitorRulesFromConfig(parseControllerConfig(fourPhaseConfig()));
const RED: GroupStates = { nsl: "R", ns: "R", "ped-ns": "R", ewl: "R", ew: "R", "ped-ew": "R" };
const FLASH: GroupStates = { nsl: "FR", ns: "FR", "ped-ns": "DK", ewl: "FR", ew: "FR", "ped-ew": "DK" };

/** The monitor's own timer, set by the test. */
let timerMs = T0;

/** A monitor on `timerMs`, with `check(states, atMs)` reading its timer at that time. */
interface TimedMonitor {
  check(states: GroupStates, atMs: number): string | null;
}

function timed(monitor: ConflictMonitor): TimedMonitor {
  return {
    check(states, atMs) {
      timerMs = atMs;
      return monitor.check(states);
    },
  };
}

/** A monitor that has shown `steps` in order, each at its time (s after T0); every step must pass. */
function monitorAfter(steps: [number, Partial<GroupStates>][]): TimedMonitor {
  timerMs = T0;
  const monitor = new ConflictMonitor(rules, () => timerMs);
  for (const [atS, change] of steps) {
    const states = { ...RED, ...change } as GroupStates;
    timerMs = T0 + atS * 1000;
    const problem = monitor.check(states);
    if (problem !== null) throw new Error(`setup step at ${atS} s failed: ${problem}`);
    monitor.commit(states);
  }
  return timed(monitor);
}

const at = (s: number): number => T0 + s * 1000;

describe("conflict monitor", () => {
  it("passes a full green, yellow, red clearance and the next phase", () => {
    const m = monitorAfter([[2, { ns: "G", "ped-ns": "G" }], [9, { ns: "G", "ped-ns": "FR" }], [19, { ns: "G" }], [20, { ns: "Y" }], [24, {}]]);
    expect(m.check({ ...RED, ew: "G" }, at(26))).toBeNull();
  });

  it("catches conflicting right of way, however short, yellow and walk included", () => {
    const m = monitorAfter([[2, { ns: "G" }]]);
    expect(m.check({ ...RED, ns: "G", ew: "G" }, at(3))).toBe('conflicting right of way: "ns" shows G while "ew" shows G');
    const y = monitorAfter([[2, { ns: "G" }], [12, { ns: "Y" }]]);
    expect(y.check({ ...RED, ns: "Y", "ped-ew": "G" }, at(13))).toMatch(/conflicting right of way/);
  });

  it("catches a green cut to red without a yellow, and a yellow shorter than configured", () => {
    const g = monitorAfter([[2, { nsl: "G" }]]);
    expect(g.check(RED, at(10))).toBe('"nsl" went from G to R without a yellow');
    const y = monitorAfter([[2, { nsl: "G" }], [8, { nsl: "Y" }]]);
    expect(y.check(RED, at(10.5))).toBe('"nsl" yellow lasted 2.50 s, below its 3 s');
    expect(y.check(RED, at(11))).toBeNull();
  });

  it("catches a green ended before its min green, but lets flash cut it", () => {
    const g = monitorAfter([[2, { nsl: "G" }]]);
    expect(g.check({ ...RED, nsl: "Y" }, at(5))).toBe('"nsl" green ended after 3.00 s, below its min green 5 s');
    expect(g.check(FLASH, at(5))).toBeNull();
  });

  it("requires the red clearance of the group that lost the right of way before a conflicting green", () => {
    const m = monitorAfter([[2, { nsl: "G" }], [8, { nsl: "Y" }], [11, {}]]);
    expect(m.check({ ...RED, ns: "G" }, at(11.5))).toBe('"ns" got the right of way 0.50 s after conflicting "nsl" lost it; red clearance needs 1 s');
    expect(m.check({ ...RED, ns: "G" }, at(12))).toBeNull();
    expect(m.check({ ...RED, ns: "G" }, at(11)), "no red at all").toMatch(/red clearance needs 1 s/);
  });

  it("requires the start-up all-red before the first green", () => {
    timerMs = T0;
    const m = timed(new ConflictMonitor(rules, () => timerMs));
    expect(m.check({ ...RED, ns: "G" }, at(1))).toMatch(/red clearance needs/);
  });

  it("checks pedestrian walk and clearance times", () => {
    const m = monitorAfter([[2, { ns: "G", "ped-ns": "G" }]]);
    expect(m.check({ ...RED, ns: "G", "ped-ns": "FR" }, at(5))).toBe('"ped-ns" walk ended after 3.00 s, below its 7 s');
    expect(m.check({ ...RED, ns: "G" }, at(20))).toBe('"ped-ns" went from G to R without a pedestrian clearance');
  });

  it("catches indications a group cannot show: dark vehicles, yellow for pedestrians, partial flash", () => {
    const m = monitorAfter([]);
    expect(m.check({ ...RED, ew: "DK" }, at(5))).toBe('vehicle signal group "ew" is dark');
    expect(m.check({ ...RED, "ped-ew": "Y" }, at(5))).toBe('pedestrian signal group "ped-ew" shows Y, not a pedestrian indication');
    expect(m.check({ ...RED, ew: "FR" }, at(5))).toMatch(/while the intersection is in flash/);
    expect(m.check({ ...RED, ghost: "R" }, at(5))).toBe('output for unknown signal group "ghost"');
    const { ew: _ew, ...missing } = RED;
    expect(m.check(missing, at(5))).toBe('signal group "ew" has no indication');
  });

  it("times durations on its own timer, not on the times it is told", () => {
    // The sequencer may believe a yellow ran 3 s; the monitor's own timer saw 1 s and flags it.
    timerMs = T0;
    const monitor = new ConflictMonitor(rules, () => timerMs);
    const show = (states: GroupStates, atMs: number): string | null => {
      timerMs = atMs;
      const problem = monitor.check(states);
      if (problem === null) monitor.commit(states);
      return problem;
    };
    expect(show({ ...RED, nsl: "G" }, at(2))).toBeNull();
    expect(show({ ...RED, nsl: "Y" }, at(8))).toBeNull();
    expect(show(RED, at(9))).toBe('"nsl" yellow lasted 1.00 s, below its 3 s');
  });

  it("allows its timer tolerance and no more", () => {
    timerMs = T0;
    const monitor = new ConflictMonitor(rules, () => timerMs, 50);
    for (const [atS, states] of [[2, { ...RED, nsl: "G" }], [8, { ...RED, nsl: "Y" }]] as const) {
      timerMs = at(atS);
      expect(monitor.check(states)).toBeNull();
      monitor.commit(states);
    }
    timerMs = at(10.96);
    expect(monitor.check(RED)).toBeNull();
    timerMs = at(10.9);
    expect(monitor.check(RED)).toMatch(/yellow lasted 2.90 s/);
  });

  it("lets flash in at any time but out only through red", () => {
    const m = monitorAfter([[2, { ns: "G" }], [3, FLASH]]);
    expect(m.check({ ...RED, ns: "G" }, at(60))).toMatch(/"ns" went from FR to G; leaving flash must go through red/);
    expect(m.check(RED, at(60))).toBeNull();
  });
});
