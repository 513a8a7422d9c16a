import { z } from "zod";
import {
  CommandAction,
  HIRES,
  Signal,
  formatIssues,
  parseOrThrow,
  type Alarm,
  type CommandAck,
  type ControllerEvent,
  type PlanBody,
} from "../../../protocol/index.js";
import { readingOf, type ClockReading, type ControllerTime } from "./clock.js";
import { parseControllerConfig, type ControllerConfig } from "./config.js";
import { ConflictMonitor, monitorRulesFromConfig, type GroupStates } from "./conflict-monitor.js";
import { DetectorBank, type AreaVehicle } from "./detectors.js";
import { hires, patternEvents, stampOf } from "./hires.js";
import { PersistedState } from "./persisted-state.js";
import { checkPlan, skewText } from "./plan-check.js";
import { Sequencer } from "./sequencer.js";
import { PATTERN_FLASH, fallbackTiming, patternNumberFor, sameTiming, timingFromPlan, type CycleTiming } from "./timing.js";

/** The signal state the agent publishes (the protocol's `Signal` without its envelope). */
export const ControllerSignal = Signal.pick({ mode: true, planId: true, cycleSecond: true, activePhases: true, groups: true });
export type ControllerSignal = z.infer<typeof ControllerSignal>;

export interface TickResult {
  /** Present only when the mode, plan, active phase or any head changed. */
  signal?: ControllerSignal;
  events: ControllerEvent[];
}

export interface ControllerOptions {
  /**
   * What the heads actually show for what the controller commands (a failed load switch shows
   * something else). Identity by default; simulators and tests model field faults with it. Flash
   * bypasses it, as a cabinet's flash transfer relays bypass the load switches.
   */
  loadSwitches?: (commanded: Readonly<GroupStates>, nowMs: number) => GroupStates;
  /**
   * The conflict monitor's own monotonic timer (the agent gives it performance.now()), as a
   * cabinet MMU has its own. Default: the monotonic readings the controller is given.
   */
  monitorClock?: () => number;
  /** How much shorter than a rule the monitor lets a duration on its own timer come out (ms); 0 by default. */
  monitorToleranceMs?: number;
}

/** A checked plan, with when it stops running on the monotonic clock. */
interface AcceptedPlan {
  plan: PlanBody;
  expiresAtMs: number;
}

type AwaitedEffect =
  | { commandId: string; until: "hold-green"; phaseIndex: number }
  | { commandId: string; until: "flash" | "cycling" }
  | { commandId: string; until: "plan"; planId: string };

/**
 * The intersection's signal controller: sequencer, plans, operator commands and the conflict
 * monitor, advanced only by `tick(now)`. No timers, no I/O. It never trusts the hub: plans are
 * checked against its own rules, and every output passes the conflict monitor, whose fault
 * latches the intersection into flash until an operator clears it.
 *
 * Every method takes the time as a `ControllerTime`: a reading of the monotonic and the wall
 * clock (the field agent), or one number where both are the same clock (simulated time). Every
 * duration is measured on the monotonic clock; the wall clock stamps events and places the plan's
 * cycle grid and validity, so a wall-clock step of any size shortens or freezes nothing.
 */
export class ControllerCore {
  readonly config: ControllerConfig;
  private readonly monitor: ConflictMonitor;
  private readonly sequencer: Sequencer;
  private readonly detectors: DetectorBank;
  private readonly fallback: CycleTiming;
  private readonly loadSwitches: ControllerOptions["loadSwitches"];
  private timing: CycleTiming;
  private runningPlan: PlanBody | null = null;
  private pendingPlan: AcceptedPlan | null = null;
  private fault: PersistedState["fault"] = null;
  private operatorFlash = false;
  private hold: { phaseIndex: number; durationMs: number | null; untilMs: number | null } | null = null;
  private awaited: AwaitedEffect[] = [];
  /** The latest readings: monotonic (never goes back) and wall (may step either way). */
  private lastMs: number;
  private lastWallMs: number;
  private shown: GroupStates;
  private lastSignalKey: string | null = null;
  private plansAdopted = 0;
  private reportedPattern: number | null = null;
  private outbox: ControllerEvent[] = [];
  /** Phases with a pedestrian call registered (event 45 logged) and not yet served by a walk. */
  private readonly pedCalls = new Set<number>();
  /** Start-up alarms, handed out by the first tick. */
  private startupEvents: ControllerEvent[] = [];
  /** No tick yet: the outputs have never been driven. */
  private firstTick = true;

  /** Throws a `ValidationError` naming each bad field of `config`. Starts in a start-up all-red. */
  constructor(config: unknown, now: ControllerTime, options: ControllerOptions = {}) {
    this.config = parseControllerConfig(config);
    const { monoMs, wallMs } = readingOf(now);
    this.lastMs = monoMs;
    this.lastWallMs = wallMs;
    this.fallback = fallbackTiming(this.config);
    this.timing = this.fallback;
    this.loadSwitches = options.loadSwitches;
    this.detectors = new DetectorBank(this.config.phases, this.config.areaMinDelayS);
    this.monitor =
      options.monitorClock === undefined
        ? new ConflictMonitor(monitorRulesFromConfig(this.config), () => this.lastMs)
        : new ConflictMonitor(monitorRulesFromConfig(this.config), options.monitorClock, options.monitorToleranceMs ?? 0);
    this.sequencer = new Sequencer(this.config, monoMs, false, this.timing);
    this.shown = this.sequencer.groups();
    this.alarm("fallback", `no hub plan yet: running the local ${this.config.fallback.mode} plan`, wallMs);
    this.startupEvents = this.drain();
  }

  /**
   * A controller after a restart: a latched fault or operator flash comes back as flash. Throws on
   * a malformed snapshot. Monotonic readings do not survive a restart, so the saved plan is
   * checked again against the wall clock (still valid, within the maximum validity) and runs at
   * most the backup time from now: a wall clock wrong across the restart cannot stretch it further.
   */
  static restore(config: unknown, snapshot: unknown, now: ControllerTime, options: ControllerOptions = {}): ControllerCore {
    const saved = parseOrThrow(PersistedState, snapshot, "snapshot");
    const core = new ControllerCore(config, now, options);
    const { monoMs, wallMs } = readingOf(now);
    core.fault = saved.fault;
    core.operatorFlash = saved.operatorFlash;
    if (core.fault !== null || core.operatorFlash) {
      core.sequencer.enterFlash(monoMs);
      core.reportPattern(PATTERN_FLASH, core.timing, wallMs);
    }
    if (core.fault !== null) core.alarm("conflict-flash", `fault latched before restart: ${core.fault.message}`, wallMs);
    if (saved.plan !== null) {
      const check = checkPlan(core.config, saved.plan, wallMs);
      if (check.ok) core.pendingPlan = { plan: check.plan, expiresAtMs: core.expiryOf(monoMs, check.validForMs) };
    }
    core.startupEvents.push(...core.drain());
    return core;
  }

  snapshot(): PersistedState {
    return {
      version: 1,
      fault: this.fault === null ? null : { ...this.fault },
      operatorFlash: this.operatorFlash,
      plan: this.pendingPlan?.plan ?? this.runningPlan,
    };
  }

  /**
   * Advance to `now`. A monotonic reading that goes backwards (or is not a number) is ignored; the
   * wall clock may step either way (with one number for both clocks, a step back is ignored too).
   */
  tick(now: ControllerTime): TickResult {
    const { monoMs: nowMs, wallMs } = readingOf(now);
    if (!Number.isFinite(nowMs) || nowMs < this.lastMs) return { events: this.drain() };
    this.lastMs = nowMs;
    if (Number.isFinite(wallMs)) this.lastWallMs = wallMs;
    const wall = this.lastWallMs;
    if (this.firstTick) {
      this.firstTick = false;
      this.sequencer.outputsBegin(nowMs);
    }
    this.outbox.push(...this.startupEvents);
    this.startupEvents = [];
    if (this.hold?.untilMs != null && nowMs >= this.hold.untilMs) this.hold = null;
    this.expirePlan(nowMs, wall);
    const stepEvents = this.sequencer.step({
      nowMs,
      wallMs: wall,
      timing: this.timing,
      holdPhaseIndex: this.hold?.phaseIndex ?? null,
      flashWanted: this.fault !== null || this.operatorFlash,
      detectors: this.detectors,
      atCycleBoundary: (t) => this.atCycleBoundary(t, wall),
    });
    this.outbox.push(...stepEvents);
    for (const e of stepEvents) if (e.code === HIRES.pedBeginWalk) this.pedCalls.delete(e.param);
    if (this.sequencer.interval.kind === "flash") this.reportPattern(PATTERN_FLASH, this.timing, wall);
    this.drive(nowMs, wall);
    this.noteHoldStart(nowMs);
    this.completeAwaited(wall);
    const signal = this.state();
    const key = JSON.stringify([signal.mode, signal.planId, signal.activePhases, signal.groups]);
    const events = this.drain();
    if (key === this.lastSignalKey) return { events };
    this.lastSignalKey = key;
    return { signal, events };
  }

  /** The full signal state now. */
  state(): ControllerSignal {
    const iv = this.sequencer.interval;
    const mode = iv.kind === "flash" ? "flash" : this.hold !== null ? "manual" : this.timing.source === "plan" ? "adaptive" : "fallback";
    const start = this.sequencer.cycleStartMs;
    const cycling = (mode === "adaptive" || mode === "fallback") && start !== null;
    return {
      mode,
      planId: this.timing.planId,
      cycleSecond: cycling ? Math.min(1000, Math.round((this.lastMs - start) / 100) / 10) : null,
      activePhases: this.sequencer.activePhases(),
      groups: { ...this.shown },
    };
  }

  /** A detector turned on or off; returns events 82 / 81 (param: detector channel). Unknown detectors are ignored. */
  detectorCall(detectorId: string, on: boolean, now: ControllerTime): ControllerEvent[] {
    const { monoMs, wallMs } = this.at(now);
    if (this.detectors.set(detectorId, on, monoMs)) {
      this.outbox.push(hires(on ? HIRES.detectorOn : HIRES.detectorOff, this.detectors.channels.get(detectorId) ?? 0, wallMs));
    }
    return this.drain();
  }

  /**
   * The vehicles an area detector sees now (a camera's view of the approach: each one's delay within
   * it and time to the stop line). Unknown detectors are ignored. Logs nothing: the loops' 81/82
   * are the detector events.
   */
  areaReport(detectorId: string, vehicles: readonly AreaVehicle[], now: ControllerTime): void {
    this.detectors.setArea(detectorId, vehicles, this.at(now).monoMs);
  }

  /**
   * A pedestrian push-button on `phase` was pressed. The first press since the phase's last walk
   * registers a call: event 45 (param: the phase), as ATSPM's pedestrian delay reads it (first call
   * to the next walk), and a call on the phase, so an actuated phase with detectors comes round for
   * it. Further presses before the walk, presses while the walk shows, and presses on a phase
   * without pedestrian timing register nothing.
   */
  pedestrianCall(phase: number, now: ControllerTime): ControllerEvent[] {
    const { wallMs } = this.at(now);
    const index = this.config.phases.findIndex((p) => p.phase === phase);
    const config = this.config.phases[index];
    if (config === undefined || config.pedWalkS === undefined || this.pedCalls.has(phase)) return this.drain();
    const walking = config.groups.some((g) => this.config.signalGroups.find((s) => s.id === g)?.kind === "pedestrian" && this.shown[g] === "G");
    if (walking) return this.drain();
    this.pedCalls.add(phase);
    this.detectors.placeCall(index);
    this.outbox.push(hires(HIRES.pedCallRegistered, phase, wallMs));
    return this.drain();
  }

  /** A plan from the hub. Checked now; applied at the next cycle boundary. A rejection is a `plan-rejected` alarm saying why. */
  applyPlan(plan: unknown, now: ControllerTime): ControllerEvent[] {
    this.offerPlan(plan, this.at(now), null);
    return this.drain();
  }

  /**
   * An operator command; answered with acks (`accepted` now, `completed` on a later tick when it
   * takes effect). `sentAtMs` (the command's `ts`, wall clock) must be within the maximum clock
   * skew of this controller's wall clock when given: a command delivered long after it was sent is refused.
   */
  command(commandId: string, action: unknown, now: ControllerTime, sentAtMs?: number): ControllerEvent[] {
    const at = this.at(now);
    const t = at.wallMs;
    const skewMs = this.config.limits.maxClockSkewS * 1000;
    if (sentAtMs !== undefined && !(Math.abs(sentAtMs - t) <= skewMs)) {
      this.ack(commandId, "rejected", t, `command.ts: ${skewText(sentAtMs, t)} of this controller's clock (at most ${this.config.limits.maxClockSkewS} s allowed)`);
      return this.drain();
    }
    if (typeof action === "object" && action !== null && "action" in action && action.action === "set-plan") {
      // Checked as a plan, so a bad one raises the same plan-rejected alarm as one from the plan topic.
      this.offerPlan("plan" in action ? action.plan : undefined, at, commandId, sentAtMs);
      return this.drain();
    }
    const parsed = CommandAction.safeParse(action);
    if (!parsed.success) {
      this.ack(commandId, "rejected", t, formatIssues("command", parsed.error));
      return this.drain();
    }
    const a = parsed.data;
    switch (a.action) {
      case "hold": {
        const phaseIndex = this.config.phases.findIndex((p) => p.phase === a.phase);
        if (phaseIndex === -1) {
          this.ack(commandId, "rejected", t, `phase ${a.phase} is not in this controller's sequence (${this.sequenceText()})`);
        } else if (this.fault !== null) {
          this.ack(commandId, "rejected", t, `a fault is latched (${this.fault.message}); clear-fault first`);
        } else {
          // A hold always ends: at its duration, or at the configured maximum when none is given or it is longer.
          const maxHoldS = this.config.limits.maxHoldS;
          const holdS = Math.min(a.durationS ?? maxHoldS, maxHoldS);
          const capped = a.durationS === undefined ? ` for at most ${maxHoldS} s (no duration given)` : a.durationS > maxHoldS ? ` for ${maxHoldS} s, this controller's maximum` : "";
          this.operatorFlash = false;
          this.hold = { phaseIndex, durationMs: holdS * 1000, untilMs: null };
          this.ack(commandId, "accepted", t, `moving to phase ${a.phase} through yellow and red clearance${capped}`);
          this.awaited.push({ commandId, until: "hold-green", phaseIndex });
        }
        break;
      }
      case "flash":
        this.operatorFlash = true;
        this.hold = null;
        if (this.sequencer.interval.kind === "flash") this.ack(commandId, "completed", t);
        else {
          this.ack(commandId, "accepted", t, "flash begins after the green's minimum, yellow and red clearance");
          this.awaited.push({ commandId, until: "flash" });
        }
        break;
      case "resume":
        if (this.fault !== null) {
          this.ack(commandId, "rejected", t, `a fault is latched (${this.fault.message}); it needs clear-fault`);
        } else if (this.hold === null && !this.operatorFlash) {
          this.ack(commandId, "completed", t, "nothing was held or flashing");
        } else {
          this.hold = null;
          this.operatorFlash = false;
          this.acceptUntilCycling(commandId, t);
        }
        break;
      case "clear-fault":
        if (this.fault === null) {
          this.ack(commandId, "rejected", t, "no fault is latched");
        } else if (!this.config.remoteClearFault) {
          this.ack(commandId, "rejected", t, "a latched fault is cleared on site (traffic-edge clear-fault): this controller's remoteClearFault is off");
        } else {
          this.clearFault(`operator (command ${commandId})`, t);
          if (this.operatorFlash) this.ack(commandId, "completed", t, "fault cleared; operator flash stays on");
          else this.acceptUntilCycling(commandId, t);
        }
        break;
      case "set-plan":
        break; // handled above
    }
    return this.drain();
  }

  /**
   * A technician's reset on site (the cabinet's reset button): clears a latched fault whatever
   * `remoteClearFault` says. False if none was latched.
   */
  clearFaultOnSite(by: string, now: ControllerTime): { cleared: boolean; events: ControllerEvent[] } {
    if (this.fault === null) return { cleared: false, events: this.drain() };
    this.clearFault(`${by} on site`, this.at(now).wallMs);
    return { cleared: true, events: this.drain() };
  }

  private clearFault(by: string, t: number): void {
    if (this.fault === null) return;
    this.alarm("fault-cleared", `fault cleared by ${by}: ${this.fault.message}`, t);
    this.fault = null;
  }

  /** When a plan accepted at `monoMs`, valid for `validForMs` by the wall clock, stops running: the backup time bounds it. */
  private expiryOf(monoMs: number, validForMs: number): number {
    return monoMs + Math.min(validForMs, this.config.limits.backupTimeS * 1000);
  }

  private offerPlan(plan: unknown, at: ClockReading, commandId: string | null, sentAtMs?: number): void {
    const t = at.wallMs;
    const check = checkPlan(this.config, plan, t, sentAtMs);
    if (!check.ok) {
      this.alarm("plan-rejected", check.reason, t, check.planId);
      if (commandId !== null) this.ack(commandId, "rejected", t, check.reason);
      return;
    }
    const accepted = check.plan;
    const expiresAtMs = this.expiryOf(at.monoMs, check.validForMs);
    this.supersedePendingPlan(t);
    if (this.timing.source === "plan" && sameTiming(this.timing, accepted)) {
      // The hub's heartbeat: the same plan again, valid for longer.
      this.timing = { ...this.timing, expiresAtMs };
      this.runningPlan = accepted;
      if (commandId !== null) this.ack(commandId, "completed", t, "plan already running; validity extended");
      return;
    }
    this.pendingPlan = { plan: accepted, expiresAtMs };
    if (commandId !== null) {
      this.ack(commandId, "accepted", t, "applies at the next cycle boundary");
      this.awaited.push({ commandId, until: "plan", planId: accepted.planId });
    }
  }

  private supersedePendingPlan(t: number): void {
    this.pendingPlan = null;
    for (const w of this.awaited) {
      if (w.until === "plan") this.ack(w.commandId, "rejected", t, "superseded by a newer plan before the cycle boundary");
    }
    this.awaited = this.awaited.filter((w) => w.until !== "plan");
  }

  /** The end of a cycle (`monoMs`): adopt the pending plan if it is still valid. */
  private atCycleBoundary(monoMs: number, t: number): CycleTiming {
    const pending = this.pendingPlan;
    if (pending !== null) {
      const plan = pending.plan;
      this.pendingPlan = null;
      const waiting = this.awaited.filter((w) => w.until === "plan");
      this.awaited = this.awaited.filter((w) => w.until !== "plan");
      if (pending.expiresAtMs > monoMs) {
        this.timing = timingFromPlan(this.config, plan, patternNumberFor(plan.planId, this.plansAdopted++), pending.expiresAtMs);
        this.runningPlan = plan;
        for (const w of waiting) this.ack(w.commandId, "completed", t, `plan ${plan.planId} running`);
      } else {
        const reason = `plan.validUntil: plan ${plan.planId} expired before the cycle boundary at which it was due`;
        this.alarm("plan-rejected", reason, t, plan.planId);
        for (const w of waiting) this.ack(w.commandId, "rejected", t, reason);
      }
    }
    this.reportPattern(this.timing.patternNumber, this.timing, t);
    return this.timing;
  }

  /** The running plan's time is up (monotonic): validity at receipt, or the backup time without a good plan. */
  private expirePlan(monoMs: number, t: number): void {
    if (this.timing.source !== "plan" || monoMs < this.timing.expiresAtMs) return;
    const expired = this.timing;
    this.timing = this.fallback;
    this.runningPlan = null;
    this.sequencer.timingChanged(this.timing);
    this.alarm(
      "fallback",
      `plan ${expired.planId ?? "?"} expired without a refresh (its validity, or ${this.config.limits.backupTimeS} s backup time since the last good plan): running the local ${this.fallback.operation} plan`,
      t,
      expired.planId ?? undefined,
    );
    if (this.sequencer.interval.kind !== "flash") this.reportPattern(this.timing.patternNumber, this.timing, t);
  }

  /** Pass the sequencer's output through the conflict monitor; a broken rule latches flash instead. */
  private drive(monoMs: number, t: number): void {
    const commanded = this.sequencer.groups();
    const inFlash = this.sequencer.interval.kind === "flash";
    const next = inFlash || this.loadSwitches === undefined ? commanded : this.loadSwitches(commanded, monoMs);
    if (sameStates(next, this.shown)) return;
    const problem = this.monitor.check(next);
    if (problem === null || inFlash) {
      this.monitor.commit(next);
      this.shown = next;
      return;
    }
    this.fault = { message: problem.slice(0, 1000), atMs: stampOf(t) };
    this.hold = null;
    this.sequencer.enterFlash(monoMs);
    this.alarm("conflict-flash", `conflict monitor: ${problem}; flash latched until clear-fault`, t);
    this.reportPattern(PATTERN_FLASH, this.timing, t);
    const flash = this.sequencer.groups();
    this.monitor.commit(flash);
    this.shown = flash;
  }

  private noteHoldStart(t: number): void {
    const iv = this.sequencer.interval;
    const h = this.hold;
    if (h === null || h.untilMs !== null || h.durationMs === null) return;
    if (iv.kind === "green" && iv.phaseIndex === h.phaseIndex) h.untilMs = t + h.durationMs;
  }

  private completeAwaited(t: number): void {
    const iv = this.sequencer.interval;
    const flashOn = this.fault !== null || this.operatorFlash;
    const still: AwaitedEffect[] = [];
    for (const w of this.awaited) {
      if (w.until === "hold-green") {
        if (this.hold?.phaseIndex !== w.phaseIndex) this.ack(w.commandId, "rejected", t, "cancelled before the hold took effect");
        else if (iv.kind === "green" && iv.phaseIndex === w.phaseIndex) this.ack(w.commandId, "completed", t, "holding");
        else still.push(w);
      } else if (w.until === "flash") {
        if (iv.kind === "flash") this.ack(w.commandId, "completed", t);
        else if (!flashOn) this.ack(w.commandId, "rejected", t, "cancelled before flash began");
        else still.push(w);
      } else if (w.until === "cycling") {
        if (iv.kind === "green" || iv.kind === "yellow" || iv.kind === "red") this.ack(w.commandId, "completed", t);
        else if (flashOn && iv.kind === "flash") this.ack(w.commandId, "rejected", t, "flash was ordered again");
        else still.push(w);
      } else {
        still.push(w);
      }
    }
    this.awaited = still;
  }

  private acceptUntilCycling(commandId: string, t: number): void {
    const iv = this.sequencer.interval;
    if (iv.kind === "green" || iv.kind === "yellow" || iv.kind === "red") {
      this.ack(commandId, "completed", t);
    } else {
      this.ack(commandId, "accepted", t, "cycling resumes after the start-up all-red");
      this.awaited.push({ commandId, until: "cycling" });
    }
  }

  private reportPattern(patternNumber: number, timing: CycleTiming, t: number): void {
    if (patternNumber === this.reportedPattern) return;
    this.reportedPattern = patternNumber;
    if (patternNumber === PATTERN_FLASH) this.outbox.push(hires(HIRES.patternChange, PATTERN_FLASH, t));
    else this.outbox.push(...patternEvents(patternNumber, timing.cycleS, timing.splitsS, t));
  }

  private alarm(alarm: Alarm["alarm"], message: string, t: number, planId?: string): void {
    const event: Alarm = { type: "alarm", ts: stampOf(t), alarm, message: message.slice(0, 1000) };
    if (planId !== undefined) event.planId = planId.slice(0, 100);
    this.outbox.push(event);
  }

  private ack(commandId: string, result: CommandAck["result"], t: number, reason?: string): void {
    const event: CommandAck = { type: "ack", ts: stampOf(t), commandId, result };
    if (reason !== undefined) event.reason = reason.slice(0, 500);
    this.outbox.push(event);
  }

  /** Time of a call between ticks: monotonic never before the last tick; a bad wall reading is the last good one. */
  private at(now: ControllerTime): ClockReading {
    const { monoMs, wallMs } = readingOf(now);
    return {
      monoMs: Number.isFinite(monoMs) ? Math.max(monoMs, this.lastMs) : this.lastMs,
      wallMs: Number.isFinite(wallMs) ? wallMs : this.lastWallMs,
    };
  }

  private drain(): ControllerEvent[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  private sequenceText(): string {
    return this.config.phases.map((p) => p.phase).join(", ");
  }
}

function sameStates(a: Readonly<GroupStates>, b: Readonly<GroupStates>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
