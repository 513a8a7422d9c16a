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
import { parseControllerConfig, type ControllerConfig } from "./config.js";
import { ConflictMonitor, monitorRulesFromConfig, type GroupStates } from "./conflict-monitor.js";
import { DetectorBank } from "./detectors.js";
import { hires, patternEvents } from "./hires.js";
import { PersistedState } from "./persisted-state.js";
import { checkPlan } from "./plan-check.js";
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
}

type AwaitedEffect =
  | { commandId: string; until: "hold-green"; phaseIndex: number }
  | { commandId: string; until: "flash" | "cycling" }
  | { commandId: string; until: "plan"; planId: string };

/**
 * The intersection's signal controller: sequencer, plans, operator commands and the conflict
 * monitor, advanced only by `tick(nowMs)`. No timers, no I/O. It never trusts the hub: plans are
 * checked against its own rules, and every output passes the conflict monitor, whose fault
 * latches the intersection into flash until an operator clears it.
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
  private pendingPlan: PlanBody | null = null;
  private fault: PersistedState["fault"] = null;
  private operatorFlash = false;
  private hold: { phaseIndex: number; durationMs: number | null; untilMs: number | null } | null = null;
  private awaited: AwaitedEffect[] = [];
  private lastMs: number;
  private shown: GroupStates;
  private lastSignalKey: string | null = null;
  private plansAdopted = 0;
  private reportedPattern: number | null = null;
  private outbox: ControllerEvent[] = [];
  /** Start-up alarms, handed out by the first tick. */
  private startupEvents: ControllerEvent[] = [];

  /** Throws a `ValidationError` naming each bad field of `config`. Starts in a start-up all-red. */
  constructor(config: unknown, nowMs: number, options: ControllerOptions = {}) {
    this.config = parseControllerConfig(config);
    this.lastMs = nowMs;
    this.fallback = fallbackTiming(this.config);
    this.timing = this.fallback;
    this.loadSwitches = options.loadSwitches;
    this.detectors = new DetectorBank(this.config.phases);
    this.monitor = new ConflictMonitor(monitorRulesFromConfig(this.config), nowMs);
    this.sequencer = new Sequencer(this.config, nowMs, false, this.timing);
    this.shown = this.sequencer.groups();
    this.alarm("fallback", `no hub plan yet: running the local ${this.config.fallback.mode} plan`, nowMs);
    this.startupEvents = this.drain();
  }

  /** A controller after a restart: a latched fault or operator flash comes back as flash. Throws on a malformed snapshot. */
  static restore(config: unknown, snapshot: unknown, nowMs: number, options: ControllerOptions = {}): ControllerCore {
    const saved = parseOrThrow(PersistedState, snapshot, "snapshot");
    const core = new ControllerCore(config, nowMs, options);
    core.fault = saved.fault;
    core.operatorFlash = saved.operatorFlash;
    if (core.fault !== null || core.operatorFlash) {
      core.sequencer.enterFlash(nowMs);
      core.reportPattern(PATTERN_FLASH, core.timing, nowMs);
    }
    if (core.fault !== null) core.alarm("conflict-flash", `fault latched before restart: ${core.fault.message}`, nowMs);
    if (saved.plan !== null) {
      const check = checkPlan(core.config, saved.plan, nowMs);
      if (check.ok) core.pendingPlan = check.plan;
    }
    core.startupEvents.push(...core.drain());
    return core;
  }

  snapshot(): PersistedState {
    return {
      version: 1,
      fault: this.fault === null ? null : { ...this.fault },
      operatorFlash: this.operatorFlash,
      plan: this.pendingPlan ?? this.runningPlan,
    };
  }

  /** Advance to `nowMs`. A clock that goes backwards (or is not a number) is ignored. */
  tick(nowMs: number): TickResult {
    if (!Number.isFinite(nowMs) || nowMs < this.lastMs) return { events: this.drain() };
    this.lastMs = nowMs;
    this.outbox.push(...this.startupEvents);
    this.startupEvents = [];
    if (this.hold?.untilMs != null && nowMs >= this.hold.untilMs) this.hold = null;
    this.expirePlan(nowMs);
    const stepEvents = this.sequencer.step({
      nowMs,
      timing: this.timing,
      holdPhaseIndex: this.hold?.phaseIndex ?? null,
      flashWanted: this.fault !== null || this.operatorFlash,
      detectors: this.detectors,
      atCycleBoundary: (t) => this.atCycleBoundary(t),
    });
    this.outbox.push(...stepEvents);
    if (this.sequencer.interval.kind === "flash") this.reportPattern(PATTERN_FLASH, this.timing, nowMs);
    this.drive(nowMs);
    this.noteHoldStart(nowMs);
    this.completeAwaited(nowMs);
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
  detectorCall(detectorId: string, on: boolean, nowMs: number): ControllerEvent[] {
    const t = this.at(nowMs);
    if (this.detectors.set(detectorId, on, t)) {
      this.outbox.push(hires(on ? HIRES.detectorOn : HIRES.detectorOff, this.detectors.channels.get(detectorId) ?? 0, t));
    }
    return this.drain();
  }

  /** A plan from the hub. Checked now; applied at the next cycle boundary. A rejection is a `plan-rejected` alarm saying why. */
  applyPlan(plan: unknown, nowMs: number): ControllerEvent[] {
    this.offerPlan(plan, this.at(nowMs), null);
    return this.drain();
  }

  /** An operator command; answered with acks (`accepted` now, `completed` on a later tick when it takes effect). */
  command(commandId: string, action: unknown, nowMs: number): ControllerEvent[] {
    const t = this.at(nowMs);
    if (typeof action === "object" && action !== null && "action" in action && action.action === "set-plan") {
      // Checked as a plan, so a bad one raises the same plan-rejected alarm as one from the plan topic.
      this.offerPlan("plan" in action ? action.plan : undefined, t, commandId);
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
          this.operatorFlash = false;
          this.hold = { phaseIndex, durationMs: a.durationS === undefined ? null : a.durationS * 1000, untilMs: null };
          this.ack(commandId, "accepted", t, `moving to phase ${a.phase} through yellow and red clearance`);
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
        } else {
          this.alarm("fault-cleared", `fault cleared by operator (command ${commandId}): ${this.fault.message}`, t);
          this.fault = null;
          if (this.operatorFlash) this.ack(commandId, "completed", t, "fault cleared; operator flash stays on");
          else this.acceptUntilCycling(commandId, t);
        }
        break;
      case "set-plan":
        break; // handled above
    }
    return this.drain();
  }

  private offerPlan(plan: unknown, t: number, commandId: string | null): void {
    const check = checkPlan(this.config, plan, t);
    if (!check.ok) {
      this.alarm("plan-rejected", check.reason, t, check.planId);
      if (commandId !== null) this.ack(commandId, "rejected", t, check.reason);
      return;
    }
    const accepted = check.plan;
    this.supersedePendingPlan(t);
    if (this.timing.source === "plan" && sameTiming(this.timing, accepted)) {
      // The hub's heartbeat: the same plan again, valid for longer.
      this.timing = { ...this.timing, validUntilMs: accepted.validUntil };
      this.runningPlan = accepted;
      if (commandId !== null) this.ack(commandId, "completed", t, "plan already running; validity extended");
      return;
    }
    this.pendingPlan = accepted;
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

  /** The end of a cycle: adopt the pending plan if it is still valid. */
  private atCycleBoundary(t: number): CycleTiming {
    const plan = this.pendingPlan;
    if (plan !== null) {
      this.pendingPlan = null;
      const waiting = this.awaited.filter((w) => w.until === "plan");
      this.awaited = this.awaited.filter((w) => w.until !== "plan");
      if (plan.validUntil > t) {
        this.timing = timingFromPlan(this.config, plan, patternNumberFor(plan.planId, this.plansAdopted++));
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

  private expirePlan(t: number): void {
    if (this.timing.source !== "plan" || t < this.timing.validUntilMs) return;
    const expired = this.timing;
    this.timing = this.fallback;
    this.runningPlan = null;
    this.sequencer.timingChanged(this.timing);
    this.alarm(
      "fallback",
      `plan ${expired.planId ?? "?"} expired at ${new Date(expired.validUntilMs).toISOString()} without a refresh: running the local ${this.fallback.operation} plan`,
      t,
      expired.planId ?? undefined,
    );
    if (this.sequencer.interval.kind !== "flash") this.reportPattern(this.timing.patternNumber, this.timing, t);
  }

  /** Pass the sequencer's output through the conflict monitor; a broken rule latches flash instead. */
  private drive(t: number): void {
    const commanded = this.sequencer.groups();
    const inFlash = this.sequencer.interval.kind === "flash";
    const next = inFlash || this.loadSwitches === undefined ? commanded : this.loadSwitches(commanded, t);
    if (sameStates(next, this.shown)) return;
    const problem = this.monitor.check(next, t);
    if (problem === null || inFlash) {
      this.monitor.commit(next, t);
      this.shown = next;
      return;
    }
    this.fault = { message: problem.slice(0, 1000), atMs: Math.floor(t) };
    this.hold = null;
    this.sequencer.enterFlash(t);
    this.alarm("conflict-flash", `conflict monitor: ${problem}; flash latched until clear-fault`, t);
    this.reportPattern(PATTERN_FLASH, this.timing, t);
    const flash = this.sequencer.groups();
    this.monitor.commit(flash, t);
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
    const event: Alarm = { type: "alarm", ts: Math.floor(t), alarm, message: message.slice(0, 1000) };
    if (planId !== undefined) event.planId = planId.slice(0, 100);
    this.outbox.push(event);
  }

  private ack(commandId: string, result: CommandAck["result"], t: number, reason?: string): void {
    const event: CommandAck = { type: "ack", ts: Math.floor(t), commandId, result };
    if (reason !== undefined) event.reason = reason.slice(0, 500);
    this.outbox.push(event);
  }

  /** Event time for calls between ticks: never before the last tick. */
  private at(nowMs: number): number {
    return Number.isFinite(nowMs) ? Math.max(nowMs, this.lastMs) : this.lastMs;
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
