import { describe, expect, it } from "vitest";
import { HIRES, type ControllerEvent, type SignalState } from "../../../protocol/index.js";
import { phaseCycles } from "../../../hub/atspm/phase-cycles.js";
import { eventLogOf } from "../../../hub/atspm/event-log.js";
import { laggingLeftConfig } from "./test-support/lagging-left.js";
import { ControllerCore } from "./controller.js";
import { permissiveLeftsConfig, T0 } from "./test-support/fixtures.js";

interface Trace {
  /** Each group's states in order, with the tick each began. */
  runs: Map<string, { state: SignalState; fromMs: number }[]>;
  events: ControllerEvent[];
  fault: string | null;
}

/** Tick every 100 ms for `durationMs`, recording every change of every head. */
function trace(core: ControllerCore, durationMs: number, each?: (nowMs: number) => void): Trace {
  const runs = new Map<string, { state: SignalState; fromMs: number }[]>();
  const events: ControllerEvent[] = [];
  for (let t = T0; t <= T0 + durationMs; t += 100) {
    each?.(t);
    events.push(...core.tick(t).events);
    for (const [id, state] of Object.entries(core.state().groups)) {
      const list = runs.get(id) ?? [];
      if (list.at(-1)?.state !== state) list.push({ state, fromMs: t });
      runs.set(id, list);
    }
  }
  return { runs, events, fault: core.snapshot().fault?.message ?? null };
}

/** When each change of `id` to `state` began. */
function starts(tr: Trace, id: string, state: SignalState): number[] {
  return (tr.runs.get(id) ?? []).filter((r) => r.state === state).map((r) => r.fromMs);
}

function phaseEvents(events: readonly ControllerEvent[], phase: number): number[] {
  return events.flatMap((e) => (e.type === "hires" && e.param === phase && e.code >= 1 && e.code <= 11 ? [e.code] : []));
}

describe("groups that stay green across a phase change (carry-over)", () => {
  it("keeps a group in both the ending and the next phase green: no yellow, no red between them", () => {
    const tr = trace(new ControllerCore(laggingLeftConfig(), T0), 150_000);
    expect(tr.fault).toBeNull();
    const nsl = tr.runs.get("nsl") ?? [];
    // Start-up red, then per cycle: green from phase 1's start to phase 2's end, yellow, red.
    expect(nsl.map((r) => r.state).slice(0, 7)).toEqual(["R", "G", "Y", "R", "G", "Y", "R"]);
    // The second cycle: the first is stretched onto the offset grid.
    const ns1 = starts(tr, "ns", "G")[1]!;
    const nsl1 = starts(tr, "nsl", "G")[1]!;
    const ewr1 = starts(tr, "ewr", "G")[1]!;
    const nslYellow = starts(tr, "nsl", "Y")[1]!;
    expect(nsl1).toBe(ns1);
    // One unbroken green over phase 1 (30 − 6 = 24 s), its change (6 s) and phase 2 (12.5 − 4.5 = 8 s).
    expect(nslYellow - nsl1).toBe(24_000 + 6_000 + 8_000);
    expect(nslYellow - ewr1).toBe(8_000);
  });

  it("gives a group that ends its full yellow and red clearance before a conflicting green", () => {
    const tr = trace(new ControllerCore(laggingLeftConfig(), T0), 300_000);
    expect(tr.fault).toBeNull();
    const nsYellows = starts(tr, "ns", "Y");
    const nsReds = starts(tr, "ns", "R").slice(1); // after the start-up all-red
    const ewrGreens = starts(tr, "ewr", "G");
    expect(nsYellows.length).toBeGreaterThanOrEqual(4);
    nsYellows.slice(0, 4).forEach((y, k) => {
      expect(nsReds[k]! - y).toBe(4_000);
      // "ewr" crosses "ns": its green waits for ns's 2 s red clearance.
      expect(ewrGreens[k]! - nsReds[k]!).toBe(2_000);
    });
    // The left ends with phase 2: its own yellow and red before east–west, which crosses it.
    const nslYellows = starts(tr, "nsl", "Y");
    const ewGreens = starts(tr, "ew", "G");
    nslYellows.slice(0, 4).forEach((y, k) => expect(ewGreens[k]! - y).toBe(3_000 + 1_500));
  });

  it("logs every phase's own green, termination, yellow and red clearance, as ATSPM reads them", () => {
    const tr = trace(new ControllerCore(laggingLeftConfig(), T0), 145_000);
    const cycle = [HIRES.phaseBeginGreen, HIRES.phaseForceOff, HIRES.phaseBeginYellow, HIRES.phaseEndYellow, HIRES.phaseBeginRedClearance, HIRES.phaseEndRedClearance];
    for (const phase of [1, 2, 3]) expect(phaseEvents(tr.events, phase).slice(0, 12)).toEqual([...cycle, ...cycle]);
    // Phase 2 begins green when phase 1's red clearance ends, whatever stayed green across it.
    const at = (code: number, phase: number): number[] =>
      tr.events.flatMap((e) => (e.type === "hires" && e.code === code && e.param === phase ? [e.ts] : []));
    expect(at(HIRES.phaseBeginGreen, 2)[0]).toBe(at(HIRES.phaseEndRedClearance, 1)[0]);
    const log = eventLogOf(tr.events.flatMap((e) => (e.type === "hires" ? [e] : [])));
    const cycles = phaseCycles(log, 300);
    expect(cycles.get(1)?.greenMs.length).toBe(2);
    expect(cycles.get(2)?.greenMs.length).toBe(2);
    // ATSPM's green of phase 1 (second cycle): its own 24 s, not the left's longer one.
    expect((cycles.get(1)!.yellowMs[1]! - cycles.get(1)!.greenMs[1]!) / 1000).toBe(24);
  });

  it("carries the protected-permissive left into its through phase in the four-phase fixture", () => {
    const tr = trace(new ControllerCore(permissiveLeftsConfig(), T0), 100_000);
    expect(tr.fault).toBeNull();
    // nsl: green in phase 1 and phase 2, so one green from phase 1's start to phase 2's end.
    expect((tr.runs.get("nsl") ?? []).map((r) => r.state).slice(0, 4)).toEqual(["R", "G", "Y", "R"]);
    expect(starts(tr, "nsl", "Y")[0]).toBe(starts(tr, "ns", "Y")[0]);
  });

  it("enters a flash asked for during a change that carries a group only from an all-red", () => {
    const core = new ControllerCore(laggingLeftConfig(), T0);
    let asked = false;
    let before: Record<string, SignalState> | null = null;
    const tr = trace(core, 120_000, (t) => {
      const s = core.state();
      // Ask in phase 1's yellow, while the left is carried green.
      if (!asked && s.groups.ns === "Y" && s.groups.nsl === "G") {
        asked = true;
        core.command("f1", { action: "flash" }, t);
      }
      if (s.mode !== "flash") before = { ...s.groups };
    });
    expect(asked).toBe(true);
    expect(tr.fault).toBeNull();
    expect(core.state().mode).toBe("flash");
    expect(before).toEqual({ ns: "R", nsl: "R", ewr: "R", ew: "R" });
    // The left ended with a yellow of its own (phase 2 green ran its minimum first).
    expect(starts(tr, "nsl", "Y").length).toBe(1);
  });

  it("keeps a hold asked for during a carried change safe: the chosen phase runs, then the hold's", () => {
    const core = new ControllerCore(laggingLeftConfig(), T0);
    let asked = false;
    const tr = trace(core, 120_000, (t) => {
      const s = core.state();
      if (!asked && s.groups.ns === "Y" && s.groups.nsl === "G") {
        asked = true;
        core.command("h1", { action: "hold", phase: 3 }, t);
      }
    });
    expect(asked).toBe(true);
    expect(tr.fault).toBeNull();
    expect(core.state().mode).toBe("manual");
    expect(core.state().groups).toEqual({ ns: "R", nsl: "R", ewr: "R", ew: "G" });
    // Phase 2 ran (its min green), then the hold's phase 3.
    expect(phaseEvents(tr.events, 2).slice(0, 2)).toEqual([HIRES.phaseBeginGreen, HIRES.phaseForceOff]);
  });
});
