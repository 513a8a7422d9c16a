import { describe, expect, it } from "vitest";
import { HIRES, ValidationError, type ControllerEvent } from "../../../protocol/index.js";
import { ControllerCore } from "./controller.js";
import { hiresCodes, tickUntil } from "./test-support/drive.js";
import { fourPhaseConfig, permissiveLeftsConfig, T0, validPlan } from "./test-support/fixtures.js";

const ALL_RED = { nsl: "R", ns: "R", "ped-ns": "R", ewl: "R", ew: "R", "ped-ew": "R" };
const FLASH = { nsl: "FR", ns: "FR", "ped-ns": "DK", ewl: "FR", ew: "FR", "ped-ew": "DK" };

function actuatedConfig() {
  const base = fourPhaseConfig();
  return { ...base, fallback: { ...base.fallback, mode: "actuated" as const } };
}

function acks(events: readonly ControllerEvent[], commandId: string): string[] {
  return events.flatMap((e) => (e.type === "ack" && e.commandId === commandId ? [e.result] : []));
}

function alarms(events: readonly ControllerEvent[], kind: string): string[] {
  return events.flatMap((e) => (e.type === "alarm" && e.alarm === kind ? [e.message] : []));
}

describe("start-up", () => {
  it("shows all red for the longest red clearance, then starts the cycle with phase 1", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const first = core.tick(T0);
    expect(first.signal).toMatchObject({ mode: "fallback", planId: null, groups: ALL_RED, activePhases: [] });
    expect(alarms(first.events, "fallback")).toHaveLength(1);
    expect(core.tick(T0 + 1_999).signal).toBeUndefined();
    const green = core.tick(T0 + 2_000);
    expect(green.signal?.groups.nsl).toBe("G");
    expect(green.signal?.activePhases).toEqual([1]);
    expect(hiresCodes(green.events, HIRES.phaseBeginGreen)).toEqual([1]);
    expect(hiresCodes(green.events, HIRES.patternChange)).toEqual([253]);
  });

  it("times the start-up all-red from the first tick, however late it comes after construction", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const first = core.tick(T0 + 10_000);
    expect(first.signal?.groups).toEqual(ALL_RED);
    expect(core.tick(T0 + 11_999).signal).toBeUndefined();
    expect(core.tick(T0 + 12_000).signal?.groups.nsl).toBe("G");
  });

  it("rejects a configuration with a bad field and names it", () => {
    const base = fourPhaseConfig();
    const phases = structuredClone(base.phases);
    phases[1].groups = ["ns", "ew"];
    expect(() => new ControllerCore({ ...base, phases }, T0)).toThrow(/config\.phases\[1\]\.groups\[1\]: signal groups "ns" and "ew" conflict/);
  });
});

describe("plans", () => {
  it("applies an accepted plan only at the cycle boundary, the end of the last phase's red clearance", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const inPhase2 = tickUntil(core, T0, (s) => s.groups.ns === "G");
    expect(core.applyPlan(validPlan(inPhase2.nowMs), inPhase2.nowMs)).toEqual([]);

    const adopted = tickUntil(core, inPhase2.nowMs + 100, (s) => s.planId === "am-peak");
    const atBoundary = adopted.events.filter((e) => e.ts === adopted.nowMs);
    expect(hiresCodes(adopted.events, HIRES.phaseBeginGreen)).toEqual([3, 4, 1]);
    expect(hiresCodes(atBoundary, HIRES.phaseEndRedClearance)).toEqual([4]);
    expect(hiresCodes(atBoundary, HIRES.phaseBeginGreen)).toEqual([1]);
    expect(hiresCodes(atBoundary, HIRES.cycleLengthChange)).toEqual([100]);
    expect([134, 135, 136, 137].map((code) => hiresCodes(atBoundary, code))).toEqual([[12], [46], [12], [30]]);
    expect(adopted.state.mode).toBe("adaptive");
  });

  it("falls back to the local plan the moment the hub's plan expires without a refresh", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    core.applyPlan(validPlan(T0, { validUntil: T0 + 200_000 }), T0);
    tickUntil(core, T0, (s) => s.mode === "adaptive");
    const fellBack = tickUntil(core, T0 + 2_100, (s) => s.mode === "fallback");
    expect(fellBack.nowMs).toBe(T0 + 200_000);
    expect(fellBack.state.planId).toBeNull();
    expect(alarms(fellBack.events, "fallback")[0]).toMatch(/plan am-peak expired without a refresh/);
  });

  it("goes back to adaptive at the next cycle boundary when a valid plan arrives after a fallback", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const running = tickUntil(core, T0, (s) => s.groups.ew === "G");
    core.applyPlan(validPlan(running.nowMs, { planId: "pm-peak" }), running.nowMs);
    const back = tickUntil(core, running.nowMs + 100, (s) => s.mode === "adaptive");
    expect(back.state.planId).toBe("pm-peak");
    expect(hiresCodes(back.events.filter((e) => e.ts === back.nowMs), HIRES.phaseBeginGreen)).toEqual([1]);
  });

  it("brings cycle starts into step with the plan's offset within a few cycles", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    core.applyPlan(validPlan(T0, { offsetS: 30, validUntil: T0 + 3_600_000 }), T0);
    const cycleStartsS: number[] = [];
    for (let t = T0; t <= T0 + 1_000_000; t += 100) {
      const { events } = core.tick(t);
      if (hiresCodes(events, HIRES.phaseBeginGreen).includes(1)) cycleStartsS.push(t / 1000);
    }
    const lateS = cycleStartsS.map((s) => (((s - 30) % 100) + 100) % 100);
    expect(lateS[0]).toBeGreaterThan(1); // the start-up cycle is out of step
    for (const late of lateS.slice(3)) expect(Math.min(late, 100 - late)).toBeLessThanOrEqual(0.2);
  });

  it("treats the same plan sent again as a heartbeat that extends its validity", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    core.applyPlan(validPlan(T0, { validUntil: T0 + 60_000 }), T0);
    tickUntil(core, T0, (s) => s.mode === "adaptive");
    expect(core.applyPlan(validPlan(T0, { validUntil: T0 + 120_000 }), T0 + 50_000)).toEqual([]);
    const later = tickUntil(core, T0 + 2_100, (s) => s.mode === "fallback");
    expect(later.nowMs).toBe(T0 + 120_000);
    expect(hiresCodes(later.events, HIRES.patternChange)).toEqual([253]);
  });

  it("rejects a plan whose split cannot hold its phase's minimum, and says exactly why", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const events = core.applyPlan(validPlan(T0, { splitsS: { "1": 12, "2": 20, "3": 12, "4": 56 } }), T0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "alarm", alarm: "plan-rejected", planId: "am-peak" });
    const message = alarms(events, "plan-rejected")[0];
    expect(message).toContain(
      "plan.splitsS.2: phase 2 split 20 s is below its minimum 23 s = green 17 s (min green 10 s, pedestrian walk 7 s + clearance 10 s) + yellow 4 s + red clearance 2 s",
    );
    expect(message).toContain("plan.splitsS.4: phase 4 split 56 s gives a green of 50.5 s, above its max green 30 s");
    tickUntil(core, T0, (s) => s.groups.ew === "G");
    const after = tickUntil(core, T0 + 60_000, (s) => s.groups.nsl === "G");
    expect(after.state.planId).toBeNull();
  });

  it.each([
    ["an unknown phase", { splitsS: { "1": 12, "2": 46, "3": 12, "4": 20, "7": 10 } }, "plan.splitsS.7: phase 7 is not in the controller's sequence (1, 2, 3, 4)"],
    ["a missing phase", { splitsS: { "1": 12, "2": 46, "4": 42 } }, "plan.splitsS: phase 3 has no split"],
    ["splits that miss the cycle", { cycleS: 110 }, "plan.cycleS: splits add up to 100 s but the cycle is 110 s"],
    ["a NaN split", { splitsS: { "1": 12, "2": Number.NaN, "3": 12, "4": 30 } }, "plan.splitsS.2:"],
    ["a negative split", { splitsS: { "1": -12, "2": 46, "3": 12, "4": 30 } }, "plan.splitsS.1:"],
    ["an expired plan", { validUntil: T0 - 1_000 }, "plan.validUntil: expired 1.0 s ago"],
  ])("rejects %s", (_, overrides, reason) => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const events = core.command("set-1", { action: "set-plan", plan: validPlan(T0, overrides) }, T0);
    expect(alarms(events, "plan-rejected")[0]).toContain(reason);
    const ack = events.find((e) => e.type === "ack");
    expect(ack).toMatchObject({ commandId: "set-1", result: "rejected" });
    expect(ack?.type === "ack" ? ack.reason : "").toContain(reason);
  });

  it("acknowledges a set-plan command as accepted, then completed when it runs", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    expect(acks(core.command("set-2", { action: "set-plan", plan: validPlan(T0) }, T0), "set-2")).toEqual(["accepted"]);
    const adopted = tickUntil(core, T0, (s) => s.mode === "adaptive");
    expect(acks(adopted.events, "set-2")).toEqual(["completed"]);
  });
});

describe("operator commands", () => {
  it("holds a phase reached through yellow and red clearance, past its max green, until resume", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const nsGreen = tickUntil(core, T0, (s) => s.groups.ns === "G");
    expect(acks(core.command("h1", { action: "hold", phase: 3 }, nsGreen.nowMs + 1_000), "h1")).toEqual(["accepted"]);
    const nsYellow = tickUntil(core, nsGreen.nowMs + 100, (s) => s.groups.ns !== "G");
    expect(nsYellow.state.groups.ns).toBe("Y");
    expect(nsYellow.nowMs - nsGreen.nowMs).toBe(17_000); // min green with the crosswalk's walk and clearance
    const held = tickUntil(core, nsYellow.nowMs + 100, (s) => s.groups.ewl === "G");
    expect(held.nowMs - nsYellow.nowMs).toBe(6_000); // 4 s yellow + 2 s red clearance
    expect(acks(held.events, "h1")).toEqual(["completed"]);
    expect(held.state).toMatchObject({ mode: "manual", cycleSecond: null, activePhases: [3] });
    expect(core.tick(held.nowMs + 120_000).signal).toBeUndefined();
    expect(core.state().groups.ewl).toBe("G");
    expect(acks(core.command("r1", { action: "resume" }, held.nowMs + 120_000), "r1")).toEqual(["completed"]);
    const released = core.tick(held.nowMs + 120_100);
    expect(released.signal?.groups.ewl).toBe("Y");
    expect(released.signal?.mode).toBe("fallback");
  });

  it("ends a hold after its duration", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    core.command("h2", { action: "hold", phase: 3, durationS: 30 }, T0);
    const held = tickUntil(core, T0, (s) => s.groups.ewl === "G");
    const ended = tickUntil(core, held.nowMs + 100, (s) => s.groups.ewl !== "G");
    expect(ended.nowMs - held.nowMs).toBe(30_000);
    expect(ended.state.mode).toBe("fallback");
  });

  it("rejects a hold of a phase the controller does not run, and a malformed command", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const hold = core.command("h3", { action: "hold", phase: 9 }, T0);
    expect(hold).toEqual([{ type: "ack", ts: T0, commandId: "h3", result: "rejected", reason: "phase 9 is not in this controller's sequence (1, 2, 3, 4)" }]);
    const bad = core.command("h4", { action: "hold", phase: "two" }, T0);
    expect(bad[0]).toMatchObject({ result: "rejected" });
    expect(bad[0].type === "ack" ? bad[0].reason : "").toContain("command.phase");
  });

  it("flashes on command only after the green's minimum and its yellow, and leaves flash through all-red", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const nsGreen = tickUntil(core, T0, (s) => s.groups.ns === "G");
    expect(acks(core.command("f1", { action: "flash" }, nsGreen.nowMs + 100), "f1")).toEqual(["accepted"]);
    const flash = tickUntil(core, nsGreen.nowMs + 100, (s) => s.mode === "flash");
    expect(flash.nowMs - nsGreen.nowMs).toBe(17_000 + 4_000 + 100); // min green, yellow, one tick of red
    expect(flash.state).toMatchObject({ groups: FLASH, cycleSecond: null, activePhases: [] });
    expect(acks(flash.events, "f1")).toEqual(["completed"]);
    expect(hiresCodes(flash.events, HIRES.patternChange)).toEqual([255]);

    expect(acks(core.command("r2", { action: "resume" }, flash.nowMs + 60_000), "r2")).toEqual(["accepted"]);
    expect(core.tick(flash.nowMs + 60_000).signal?.groups).toEqual(ALL_RED);
    const cycling = tickUntil(core, flash.nowMs + 60_100, (s) => s.activePhases.length > 0);
    expect(cycling.nowMs - (flash.nowMs + 60_000)).toBe(2_000);
    expect(acks(cycling.events, "r2")).toEqual(["completed"]);
  });
});

describe("conflict monitor fault", () => {
  it("latches flash on a conflicting green, survives snapshot and restore, and clears only by clear-fault", () => {
    let stuckOn = false;
    const core = new ControllerCore(fourPhaseConfig(), T0, { loadSwitches: (c) => (stuckOn ? { ...c, ew: "G" } : { ...c }) });
    const nsGreen = tickUntil(core, T0, (s) => s.groups.ns === "G");
    stuckOn = true;
    const fault = core.tick(nsGreen.nowMs + 100);
    expect(fault.signal).toMatchObject({ mode: "flash", groups: FLASH });
    expect(alarms(fault.events, "conflict-flash")[0]).toMatch(/conflicting right of way: "ns" shows G while "ew" shows G/);
    stuckOn = false;

    expect(acks(core.command("r3", { action: "resume" }, nsGreen.nowMs + 200), "r3")).toEqual(["rejected"]);
    expect(acks(core.command("h5", { action: "hold", phase: 2 }, nsGreen.nowMs + 200), "h5")).toEqual(["rejected"]);
    core.tick(nsGreen.nowMs + 600_000);
    expect(core.state().mode).toBe("flash");

    const snapshot = JSON.parse(JSON.stringify(core.snapshot())) as unknown;
    const restarted = ControllerCore.restore(fourPhaseConfig(), snapshot, T0 + 3_600_000);
    const first = restarted.tick(T0 + 3_600_000);
    expect(first.signal).toMatchObject({ mode: "flash", groups: FLASH });
    expect(alarms(first.events, "conflict-flash")[0]).toMatch(/latched before restart: conflicting right of way/);
    restarted.tick(T0 + 7_200_000);
    expect(restarted.state().mode).toBe("flash");

    const cleared = restarted.command("c1", { action: "clear-fault" }, T0 + 7_200_000);
    expect(alarms(cleared, "fault-cleared")).toHaveLength(1);
    expect(acks(cleared, "c1")).toEqual(["accepted"]);
    expect(restarted.tick(T0 + 7_200_000).signal?.groups).toEqual(ALL_RED);
    const cycling = tickUntil(restarted, T0 + 7_200_100, (s) => s.activePhases.length > 0);
    expect(cycling.nowMs).toBe(T0 + 7_202_000);
    expect(acks(cycling.events, "c1")).toEqual(["completed"]);
    expect(restarted.snapshot().fault).toBeNull();
    expect(acks(restarted.command("c2", { action: "clear-fault" }, cycling.nowMs), "c2")).toEqual(["rejected"]);
  });

  it("refuses a malformed snapshot and names the field", () => {
    expect(() => ControllerCore.restore(fourPhaseConfig(), { version: 1, fault: { message: 5, atMs: 0 } }, T0)).toThrow(ValidationError);
    expect(() => ControllerCore.restore(fourPhaseConfig(), { version: 1, fault: { message: 5, atMs: 0 } }, T0)).toThrow(/snapshot\.fault\.message/);
  });

  it("restores an accepted plan that is still valid, after the start-up all-red", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    core.applyPlan(validPlan(T0), T0);
    const restarted = ControllerCore.restore(fourPhaseConfig(), core.snapshot(), T0 + 10_000);
    const adopted = tickUntil(restarted, T0 + 10_000, (s) => s.mode === "adaptive");
    expect(adopted.nowMs).toBe(T0 + 12_000);
  });
});

describe("actuated fallback", () => {
  it("gaps out (code 4) when no vehicle arrives within the passage time after the last actuation", () => {
    const core = new ControllerCore(actuatedConfig(), T0);
    core.detectorCall("d-nsl", true, T0);
    core.detectorCall("d-nsl", false, T0 + 500);
    const green = tickUntil(core, T0, (s) => s.groups.nsl === "G");
    core.tick(green.nowMs + 4_000);
    core.detectorCall("d-nsl", true, green.nowMs + 4_000);
    core.detectorCall("d-nsl", false, green.nowMs + 4_200);
    const yellow = tickUntil(core, green.nowMs + 4_300, (s) => s.groups.nsl !== "G");
    expect(yellow.nowMs - green.nowMs).toBe(7_200);
    expect(hiresCodes(yellow.events, HIRES.phaseGapOut)).toEqual([1]);
    expect(hiresCodes(yellow.events, HIRES.phaseMaxOut)).toEqual([]);
  });

  it("gaps out at min green when the only call came before the green", () => {
    const core = new ControllerCore(actuatedConfig(), T0);
    core.detectorCall("d-nsl", true, T0);
    core.detectorCall("d-nsl", false, T0 + 500);
    const green = tickUntil(core, T0, (s) => s.groups.nsl === "G");
    const yellow = tickUntil(core, green.nowMs + 100, (s) => s.groups.nsl !== "G");
    expect(yellow.nowMs - green.nowMs).toBe(5_000);
  });

  it("maxes out (code 5) when vehicles keep coming, and serves the phase again next cycle", () => {
    const core = new ControllerCore(actuatedConfig(), T0);
    core.detectorCall("d-nsl", true, T0);
    const green = tickUntil(core, T0, (s) => s.groups.nsl === "G");
    core.detectorCall("d-nsl", false, green.nowMs);
    let t = green.nowMs;
    const events: ControllerEvent[] = [];
    while (core.state().groups.nsl === "G") {
      t += 100;
      if ((t - green.nowMs) % 1_000 === 0) core.detectorCall("d-nsl", (t - green.nowMs) % 2_000 === 0, t);
      events.push(...core.tick(t).events);
    }
    expect(t - green.nowMs).toBe(15_000);
    expect(hiresCodes(events, HIRES.phaseMaxOut)).toEqual([1]);
    const again = tickUntil(core, t + 100, (_, ev) => hiresCodes(ev, HIRES.phaseBeginGreen).length > 0 && core.state().groups.nsl === "G");
    expect(hiresCodes(again.events, HIRES.phaseBeginGreen)).toEqual([2, 1]);
  });

  it("gaps out when a vehicle sits on the detector without leaving (a turn waiting for a gap, a blocked exit), after twice the passage time", () => {
    const core = new ControllerCore(actuatedConfig(), T0);
    core.detectorCall("d-nsl", true, T0);
    const green = tickUntil(core, T0, (s) => s.groups.nsl === "G");
    // The vehicle never leaves the loop: it calls the phase but does not hold its green to max (15 s).
    const yellow = tickUntil(core, green.nowMs + 100, (s) => s.groups.nsl !== "G");
    expect(yellow.nowMs - green.nowMs).toBe(6_000);
    expect(hiresCodes(yellow.events, HIRES.phaseGapOut)).toEqual([1]);
    // Still a call: the phase comes back.
    const again = tickUntil(core, yellow.nowMs + 100, (s) => s.groups.nsl === "G", { limitMs: 120_000 });
    expect(again.nowMs).toBeGreaterThan(yellow.nowMs);
  });

  describe("per-detector passage times (stop-line and advance loops)", () => {
    /** Phase 1 with an advance loop (2 s to the stop line) and a stop-line loop (1 s); phase passage 3 s. */
    function twoLoopConfig() {
      const base = actuatedConfig();
      return {
        ...base,
        phases: base.phases.map((p) =>
          p.phase === 1 ? { ...p, passageS: 3, detectors: ["d-nsl-adv", "d-nsl-stop"], detectorPassageS: { "d-nsl-adv": 2, "d-nsl-stop": 1 } } : p,
        ),
      };
    }

    function greenOfPhase1(core: ControllerCore) {
      core.detectorCall("d-nsl-stop", true, T0);
      core.detectorCall("d-nsl-stop", false, T0 + 500);
      return tickUntil(core, T0, (s) => s.groups.nsl === "G");
    }

    it("holds the green from the advance loop until the stop-line loop's own passage after the vehicle crosses it", () => {
      const core = new ControllerCore(twoLoopConfig(), T0);
      const green = greenOfPhase1(core);
      core.tick(green.nowMs + 4_000);
      core.detectorCall("d-nsl-adv", true, green.nowMs + 4_000);
      core.detectorCall("d-nsl-adv", false, green.nowMs + 4_300);
      core.tick(green.nowMs + 6_000);
      core.detectorCall("d-nsl-stop", true, green.nowMs + 6_000);
      core.detectorCall("d-nsl-stop", false, green.nowMs + 6_300);
      const yellow = tickUntil(core, green.nowMs + 6_100, (s) => s.groups.nsl !== "G");
      // 1 s after it left the stop-line loop; the phase's 3 s passage would have held it to 9.3 s.
      expect(yellow.nowMs - green.nowMs).toBe(7_300);
      expect(hiresCodes(yellow.events, HIRES.phaseGapOut)).toEqual([1]);
    });

    it("ends the advance loop's extension after its own travel time when no vehicle reaches the stop line", () => {
      const core = new ControllerCore(twoLoopConfig(), T0);
      const green = greenOfPhase1(core);
      core.tick(green.nowMs + 4_000);
      core.detectorCall("d-nsl-adv", true, green.nowMs + 4_000);
      core.detectorCall("d-nsl-adv", false, green.nowMs + 4_200);
      const yellow = tickUntil(core, green.nowMs + 4_100, (s) => s.groups.nsl !== "G");
      expect(yellow.nowMs - green.nowMs).toBe(6_200);
    });

    it("uses the phase's passage time for a detector without its own", () => {
      const base = twoLoopConfig();
      const config = { ...base, phases: base.phases.map((p) => (p.phase === 1 ? { ...p, detectorPassageS: { "d-nsl-stop": 1 } } : p)) };
      const core = new ControllerCore(config, T0);
      const green = greenOfPhase1(core);
      core.tick(green.nowMs + 4_000);
      core.detectorCall("d-nsl-adv", true, green.nowMs + 4_000);
      core.detectorCall("d-nsl-adv", false, green.nowMs + 4_200);
      const yellow = tickUntil(core, green.nowMs + 4_100, (s) => s.groups.nsl !== "G");
      expect(yellow.nowMs - green.nowMs).toBe(7_200);
    });
  });

  describe("one-phase light", () => {
    function onePhaseConfig() {
      return {
        signalGroups: [{ id: "thru", kind: "vehicle" as const }],
        conflicts: [],
        phases: [{ phase: 1, groups: ["thru"], minGreenS: 5, maxGreenS: 20, yellowS: 3, redClearanceS: 2, detectors: ["d-thru"] }],
        fallback: { mode: "actuated" as const, cycleS: 25, splitsS: { "1": 25 } },
      };
    }

    it("rests in green when it gaps out or maxes out: nobody else wants the junction", () => {
      const core = new ControllerCore(onePhaseConfig(), T0);
      const green = tickUntil(core, T0, (s) => s.groups.thru === "G");
      const events: ControllerEvent[] = [];
      let t = green.nowMs;
      for (; t <= green.nowMs + 120_000; t += 100) {
        // Vehicles every second for the first minute (past max green), then none.
        if (t - green.nowMs < 60_000 && (t - green.nowMs) % 1_000 === 0) core.detectorCall("d-thru", (t - green.nowMs) % 2_000 === 0, t);
        events.push(...core.tick(t).events);
        expect(core.state().groups.thru).toBe("G");
      }
      expect(hiresCodes(events, HIRES.phaseBeginYellow)).toEqual([]);
    });

    it("still leaves the green for flash, after its minimum and its yellow", () => {
      const core = new ControllerCore(onePhaseConfig(), T0);
      const green = tickUntil(core, T0, (s) => s.groups.thru === "G");
      const resting = green.nowMs + 30_000;
      for (let t = green.nowMs + 100; t < resting; t += 100) core.tick(t);
      expect(core.state().groups.thru).toBe("G");
      expect(acks(core.command("f1", { action: "flash" }, resting), "f1")).toEqual(["accepted"]);
      const yellow = tickUntil(core, resting, (s) => s.groups.thru === "Y");
      expect(yellow.nowMs).toBe(resting);
      const flash = tickUntil(core, yellow.nowMs, (s) => s.mode === "flash");
      expect(flash.nowMs - yellow.nowMs).toBe(3_000 + 100);
    });
  });

  it("skips phases nobody calls and serves one as soon as it is called", () => {
    const core = new ControllerCore(actuatedConfig(), T0);
    const events: ControllerEvent[] = [];
    for (let t = T0; t <= T0 + 300_000; t += 100) events.push(...core.tick(t).events);
    const served = hiresCodes(events, HIRES.phaseBeginGreen);
    expect(served.length).toBeGreaterThan(3);
    expect(new Set(served)).toEqual(new Set([2]));
    core.detectorCall("d-ewl", true, T0 + 300_000);
    const called = tickUntil(core, T0 + 300_100, (s) => s.groups.ewl === "G", { limitMs: 60_000 });
    expect(hiresCodes(called.events, HIRES.phaseBeginGreen)).toEqual([3]);
  });

  it("reports detector changes as events 82 and 81 with the detector's channel, and ignores unknown detectors", () => {
    const core = new ControllerCore(actuatedConfig(), T0);
    expect(core.detectorCall("d-ewl", true, T0 + 10)).toEqual([{ type: "hires", ts: T0 + 10, code: HIRES.detectorOn, param: 2 }]);
    expect(core.detectorCall("d-ewl", true, T0 + 20)).toEqual([]);
    expect(core.detectorCall("d-ewl", false, T0 + 30)).toEqual([{ type: "hires", ts: T0 + 30, code: HIRES.detectorOff, param: 2 }]);
    expect(core.detectorCall("nowhere", true, T0 + 40)).toEqual([]);
  });
});

describe("coordinated-actuated hub plans", () => {
  /** Greens 8, 24, 8, 14 s in a 73.5 s cycle, offset 10: phase 2's green is due to end 36 s into each cycle. */
  const SPLITS = { "1": 12, "2": 30, "3": 12, "4": 19.5 };
  const CYCLE_S = 73.5;
  const PHASE2_FORCE_OFF_S = 12 + 24;

  /** Runs 10 minutes of the plan; the detectors see what `actuate` says at each tick. */
  function run(
    config: ReturnType<typeof fourPhaseConfig>,
    actuate: (tMs: number) => Record<string, boolean> = () => ({}),
    splitsS: Record<string, number> = SPLITS,
    durationMs = 600_000,
  ) {
    const core = new ControllerCore(config, T0);
    const cycleS = Object.values(splitsS).reduce((a, b) => a + b, 0);
    core.applyPlan(validPlan(T0, { planId: "coord", cycleS, offsetS: 10, splitsS, validUntil: T0 + durationMs + 60_000 }), T0);
    const greens: { phase: number; startMs: number; endMs: number; code: number }[] = [];
    const open = new Map<number, number>();
    let lastCode = 0;
    for (let t = T0; t <= T0 + durationMs; t += 100) {
      for (const [id, on] of Object.entries(actuate(t))) core.detectorCall(id, on, t);
      for (const e of core.tick(t).events) {
        if (e.type !== "hires") continue;
        if (e.code === HIRES.phaseBeginGreen) open.set(e.param, t);
        if (e.code === HIRES.phaseGapOut || e.code === HIRES.phaseMaxOut || e.code === HIRES.phaseForceOff) lastCode = e.code;
        if (e.code === HIRES.phaseBeginYellow && open.has(e.param)) greens.push({ phase: e.param, startMs: open.get(e.param)!, endMs: t, code: lastCode });
      }
    }
    // Skip the start-up and the transition into the plan.
    return greens.filter((g) => g.startMs > T0 + 200_000);
  }
  const cycleSecond = (tMs: number) => (((tMs / 1000 - 10) % CYCLE_S) + CYCLE_S) % CYCLE_S;

  it("gaps out idle phases at min green and hands their time to the coordinated phase, whose green still ends on the offset grid", () => {
    const greens = run(fourPhaseConfig({ coordination: { phase: 2 } }));
    const main = greens.filter((g) => g.phase === 2);
    expect(main.length).toBeGreaterThanOrEqual(3);
    for (const g of main) {
      expect(cycleSecond(g.endMs)).toBeCloseTo(PHASE2_FORCE_OFF_S, 0);
      // Its own 24 s, plus 3 s from each left turn phase and 1 s from phase 4.
      expect(g.endMs - g.startMs).toBe(31_000);
    }
    const lefts = greens.filter((g) => g.phase === 1 || g.phase === 3);
    expect(lefts.every((g) => g.endMs - g.startMs === 5_000 && g.code === HIRES.phaseGapOut)).toBe(true);
    // Phase 4's walk and pedestrian clearance (13 s) still run in full.
    expect(greens.filter((g) => g.phase === 4).every((g) => g.endMs - g.startMs === 13_000)).toBe(true);
  });

  it("lets a busy phase run no longer than its split's green (floating force-off), and keeps the grid", () => {
    const greens = run(fourPhaseConfig({ coordination: { phase: 2 } }), (t) => ({ "d-ew": Math.floor(t / 1000) % 2 === 1, "d-nsl": Math.floor(t / 1000) % 2 === 0 }));
    const busy = greens.filter((g) => g.phase === 4);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    expect(busy.every((g) => g.endMs - g.startMs === 14_000 && g.code === HIRES.phaseForceOff)).toBe(true);
    expect(greens.filter((g) => g.phase === 1).every((g) => g.endMs - g.startMs === 8_000)).toBe(true);
    for (const g of greens.filter((x) => x.phase === 2)) expect(cycleSecond(g.endMs)).toBeCloseTo(PHASE2_FORCE_OFF_S, 0);
  });

  it("times gaps with the phase's passage, not per-detector ones: an early gap-out would cost the queue a whole cycle", () => {
    const base = fourPhaseConfig({ coordination: { phase: 2 } });
    const config = { ...base, phases: base.phases.map((p) => (p.phase === 4 ? { ...p, detectorPassageS: { "d-ew": 1 } } : p)) };
    // A vehicle over phase 4's loop every 2.5 s: 2 s gaps, inside the 3 s passage, outside the loop's own 1 s.
    const pulses = (t: number) => ({ "d-ew": (t - T0) % 2_500 < 500 });
    const busy = run(config, pulses).filter((g) => g.phase === 4);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    expect(busy.every((g) => g.endMs - g.startMs === 14_000 && g.code === HIRES.phaseForceOff)).toBe(true);
    // The same loop in free (actuated fallback) operation uses its own 1 s and gaps out.
    const free = new ControllerCore({ ...config, fallback: { ...config.fallback, mode: "actuated" as const } }, T0);
    const events: ControllerEvent[] = [];
    for (let t = T0; t <= T0 + 120_000; t += 100) {
      for (const [id, on] of Object.entries(pulses(t))) free.detectorCall(id, on, t);
      events.push(...free.tick(t).events);
    }
    expect(hiresCodes(events, HIRES.phaseGapOut)).toContain(4);
  });

  it("runs the same plan fixed-time without a coordinated phase: idle phases keep their whole split", () => {
    const greens = run(fourPhaseConfig());
    expect(greens.filter((g) => g.phase === 1).every((g) => g.endMs - g.startMs === 8_000)).toBe(true);
    expect(greens.filter((g) => g.phase === 2).every((g) => g.endMs - g.startMs === 24_000)).toBe(true);
  });

  it("holds the coordinated phase past its max green to its force-off (max inhibit), so every cycle keeps the plan's length", () => {
    // 36 s planned green (max 40) plus what phases 1, 3 and 4 leave (3 + 3 + 11.5 s): 53.5 s, ending on the grid.
    const greens = run(fourPhaseConfig({ coordination: { phase: 2 } }), () => ({}), { "1": 12, "2": 42, "3": 12, "4": 30 }, 2_400_000);
    const main = greens.filter((g) => g.phase === 2);
    expect(main.length).toBeGreaterThanOrEqual(20);
    for (const g of main) {
      expect(g.endMs - g.startMs).toBe(53_500);
      expect(g.code).toBe(HIRES.phaseForceOff);
      expect((((g.endMs / 1000 - 10 - 12 - 36) % 96) + 96) % 96).toBeCloseTo(0, 1);
    }
    // As many cycles as the plan's 96 s allow in the window, not more.
    expect(greens.filter((g) => g.phase === 1).length).toBeLessThanOrEqual(Math.ceil(2_200_000 / 96_000));
  });

  it("rejects a coordinated phase that is not in the sequence", () => {
    expect(() => new ControllerCore(fourPhaseConfig({ coordination: { phase: 6 } }), T0)).toThrow(/config\.coordination\.phase: coordinated phase 6 is not in the sequence/);
  });
});

describe("omitted phases", () => {
  /** The 100 s plan with both left phases left out: a 76 s cycle, phase 2's green (40 s) ending 40 s into it. */
  const OMITTING = { planId: "no-left", cycleS: 76, splitsS: { "2": 46, "4": 30 }, omitPhases: [1, 3] };

  /** Phase green starts and phase 2's green ends from `fromMs` for `durationMs`, and whether "nsl" showed green outside phase 1. */
  function greensOf(core: ControllerCore, fromMs: number, durationMs: number) {
    const starts: { phase: number; atMs: number }[] = [];
    const phase2EndsMs: number[] = [];
    let permissiveLeft = false;
    for (let t = fromMs; t <= fromMs + durationMs; t += 100) {
      for (const e of core.tick(t).events) {
        if (e.type === "hires" && e.code === HIRES.phaseBeginGreen) starts.push({ phase: e.param, atMs: t });
        if (e.type === "hires" && e.code === HIRES.phaseBeginYellow && e.param === 2) phase2EndsMs.push(t);
      }
      const s = core.state();
      if (s.groups.nsl === "G" && !s.activePhases.includes(1)) permissiveLeft = true;
    }
    return { starts, phase2EndsMs, permissiveLeft };
  }

  it("rejects an omittable phase that no other phase backs up, and an omittable coordinated phase", () => {
    const base = fourPhaseConfig();
    const phases = base.phases.map((p) => (p.phase === 3 ? { ...p, omittable: true } : p));
    expect(() => new ControllerCore({ ...base, phases }, T0)).toThrow(/config\.phases\[2\]\.omittable: phase 3 cannot be omittable: no other phase serves "ewl"/);
    expect(() => new ControllerCore(permissiveLeftsConfig({ coordination: { phase: 1 } }), T0)).toThrow(/phase 1 is the coordinated phase and cannot be omittable/);
  });

  it("rejects a plan that omits a phase not configured omittable, or gives an omitted phase a split", () => {
    const core = new ControllerCore(permissiveLeftsConfig(), T0);
    const notOmittable = core.applyPlan(validPlan(T0, { cycleS: 88, splitsS: { "1": 12, "3": 12, "4": 64 }, omitPhases: [2] }), T0);
    expect(alarms(notOmittable, "plan-rejected")[0]).toContain("plan.omitPhases.0: phase 2 may not be omitted");
    const withSplit = core.applyPlan(validPlan(T0, { ...OMITTING, cycleS: 88, splitsS: { "1": 12, "2": 46, "4": 30 } }), T0);
    expect(alarms(withSplit, "plan-rejected")[0]).toContain("plan.splitsS.1: phase 1 is omitted and must have no split");
    expect(core.applyPlan(validPlan(T0, OMITTING), T0)).toEqual([]);
  });

  for (const coordination of [undefined, { phase: 2 }]) {
    it(`never starts an omitted phase, keeps the plan's cycle, and brings the phases back with the next plan (${coordination ? "coordinated" : "fixed-time"})`, () => {
      const core = new ControllerCore(permissiveLeftsConfig(coordination ? { coordination } : {}), T0);
      core.applyPlan(validPlan(T0, { ...OMITTING, validUntil: T0 + 900_000 }), T0);
      const adopted = tickUntil(core, T0, (s) => s.planId === "no-left");
      const omitted = greensOf(core, adopted.nowMs + 100, 500_000);
      expect(omitted.starts.filter((g) => g.phase === 1 || g.phase === 3)).toEqual([]);
      expect(omitted.permissiveLeft).toBe(true);
      const cycles = omitted.starts.filter((g) => g.phase === 2).map((g) => g.atMs);
      expect(cycles.length).toBeGreaterThanOrEqual(5);
      // Once the transition cycles have brought it onto the offset grid, phase 2 comes up every 76 s and its green ends 40 s into the cycle.
      for (let i = 2; i < cycles.length; i++) expect(cycles[i] - cycles[i - 1]).toBe(76_000);
      for (const endMs of omitted.phase2EndsMs.slice(2)) expect((endMs / 1000) % 76).toBeCloseTo(40, 1);

      const now = adopted.nowMs + 500_200;
      core.applyPlan(validPlan(now, { planId: "with-left", validUntil: now + 600_000 }), now);
      const back = tickUntil(core, now, (s) => s.planId === "with-left");
      // Left-turners wait on their detectors.
      core.detectorCall("d-nsl", true, back.nowMs);
      core.detectorCall("d-ewl", true, back.nowMs);
      const restored = greensOf(core, back.nowMs + 100, 300_000).starts;
      expect(restored.filter((g) => g.phase === 1).length).toBeGreaterThanOrEqual(2);
      expect(restored.filter((g) => g.phase === 3).length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe("hub plans run actuated (planOperation: actuated)", () => {
  const config = () => fourPhaseConfig({ planOperation: "actuated", phases: fourPhaseConfig().phases.map((p) => ({ ...p, detectors: p.detectors !== undefined && p.detectors.length > 0 ? p.detectors : ["d-ns"] })) });

  function greens(core: ControllerCore, fromMs: number, durationMs: number, actuate: (tMs: number) => Record<string, boolean>) {
    const out: { phase: number; startMs: number; endMs: number }[] = [];
    const open = new Map<number, number>();
    for (let t = fromMs; t <= fromMs + durationMs; t += 100) {
      for (const [id, on] of Object.entries(actuate(t))) core.detectorCall(id, on, t);
      for (const e of core.tick(t).events) {
        if (e.type !== "hires") continue;
        if (e.code === HIRES.phaseBeginGreen) open.set(e.param, t);
        if (e.code === HIRES.phaseBeginYellow && open.has(e.param)) out.push({ phase: e.param, startMs: open.get(e.param)!, endMs: t });
      }
    }
    return out;
  }

  it("bounds each green by its split's green, skips phases nobody calls, and serves a new call within the splits", () => {
    const core = new ControllerCore(config(), T0);
    core.applyPlan(validPlan(T0, { planId: "free", cycleS: 80, splitsS: { "1": 12, "2": 30, "3": 12, "4": 26 }, validUntil: T0 + 2_000_000 }), T0);
    const busy = (t: number) => Math.floor(t / 1000) % 2 === 0;
    // Phases 2 and 4 busy: each maxes out at its split's green (30 − 6 = 24 s, 26 − 5.5 = 20.5 s); the lefts are never called, never run.
    const both = greens(core, T0, 400_000, (t) => ({ "d-ns": busy(t), "d-ew": busy(t) })).filter((g) => g.startMs > T0 + 100_000);
    expect(both.filter((g) => g.phase === 1 || g.phase === 3)).toEqual([]);
    expect(both.filter((g) => g.phase === 2).every((g) => g.endMs - g.startMs === 24_000)).toBe(true);
    expect(both.filter((g) => g.phase === 4).every((g) => g.endMs - g.startMs === 20_500)).toBe(true);
    // A call on phase 1 (never called before) is served within one round of the bounded greens (24 + 6 + 20.5 + 5.5 s).
    core.detectorCall("d-nsl", true, T0 + 400_200);
    const served = tickUntil(core, T0 + 400_200, (st) => st.groups.nsl === "G", { limitMs: 60_000 });
    expect(served.nowMs - (T0 + 400_200)).toBeLessThanOrEqual(56_000);
  });
});

describe("hub plans run actuated with an omitted protected left", () => {
  it("serves a left-turner waiting on the omitted phase's detector in the phase that runs the left permissive", () => {
    // Phase 2 (ns + permissive nsl) gets a detector; phase 4 is kept busy, so phase 2 runs only if the left-turner counts for it.
    const base = permissiveLeftsConfig({ planOperation: "actuated" });
    const config = { ...base, phases: base.phases.map((p) => (p.phase === 2 ? { ...p, detectors: ["d-ns"] } : p)) };
    const core = new ControllerCore(config, T0);
    core.applyPlan(validPlan(T0, { planId: "no-left", cycleS: 76, splitsS: { "2": 46, "4": 30 }, omitPhases: [1, 3], validUntil: T0 + 900_000 }), T0);
    const busy = (t: number) => Math.floor(t / 1000) % 2 === 0;
    let t = T0;
    for (; t <= T0 + 120_000; t += 100) {
      core.detectorCall("d-ew", busy(t), t);
      core.tick(t);
    }
    // A left-turner arrives and waits on the protected left's loop (phase 1, omitted by the plan).
    core.detectorCall("d-nsl", true, t);
    const served = tickUntil(core, t, (s) => s.groups.nsl === "G", { limitMs: 60_000 });
    expect(served.state.activePhases).toEqual([2]);
  });
});

describe("clock", () => {
  it("ignores a clock that goes backwards, so an interval is never shortened", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const green = tickUntil(core, T0, (s) => s.groups.nsl === "G");
    expect(core.tick(green.nowMs - 60_000)).toEqual({ events: [] });
    expect(core.tick(Number.NaN)).toEqual({ events: [] });
    const yellow = tickUntil(core, green.nowMs + 100, (s) => s.groups.nsl !== "G");
    expect(yellow.nowMs - green.nowMs).toBeGreaterThanOrEqual(5_000);
  });

  it("shows the full yellow and red clearance after a huge forward jump", () => {
    const core = new ControllerCore(fourPhaseConfig(), T0);
    const green = tickUntil(core, T0, (s) => s.groups.nsl === "G");
    const jump = green.nowMs + 3_600_000;
    expect(core.tick(jump).signal?.groups.nsl).toBe("Y");
    expect(core.tick(jump + 2_999).signal).toBeUndefined();
    expect(core.tick(jump + 3_000).signal?.groups).toEqual(ALL_RED);
    expect(core.tick(jump + 3_999).signal).toBeUndefined();
    expect(core.tick(jump + 4_000).signal?.groups.ns).toBe("G");
  });
});
