import { HIRES } from "../../../protocol/index.js";
import { startupAllRedS, type ControllerConfig, type PhaseConfig } from "./config.js";
import type { GroupStates } from "./conflict-monitor.js";
import type { DetectorBank } from "./detectors.js";
import { hires, PED_BEGIN_DONT_WALK, type HiRes } from "./hires.js";
import { effectiveMinGreenS } from "../../../protocol/index.js";
import { offsetCorrectedGreens, secondsIntoCycle, type CycleTiming } from "./timing.js";

interface CoordinatedCycle {
  cycleS: number;
  offsetS: number;
  /** Monotonic. */
  nominalStartMs: number;
  forceOffsMs: number[];
}

/**
 * A detector occupied this long in a green without its vehicle leaving is a vehicle that cannot
 * move (waiting for a gap, or its exit blocked): it no longer extends the green.
 */
function stuckOccupancyMs(phase: PhaseConfig): number {
  return 2 * phase.passageS * 1000;
}

/**
 * A following cycle further than this from the wall clock's grid (the wall clock was stepped, or
 * drifted) re-syncs as a new plan's first cycle does, instead of continuing the last one's grid.
 */
export const GRID_RESYNC_MS = 1000;

export type PedInterval = "none" | "walk" | "clearance" | "done";

/**
 * A phase change that carries groups: decided at the end of a green (yellow onset), the phase that
 * follows and the vehicle groups of the ending phase that are also in it, which stay green through
 * the change (carry-over, as NEMA overlaps: a permissive-then-protected left). Without carried
 * groups (`nextIndex` null) the clearance is all-red and the next phase is chosen at its end, so
 * calls that arrive during it still count.
 */
export interface PhaseChange {
  nextIndex: number | null;
  carried: readonly string[];
}

/** The interval on the heads now. Every start time is the tick at which it was first shown. */
export type Interval =
  | { kind: "all-red"; startMs: number }
  | { kind: "green"; phaseIndex: number; startMs: number; ped: PedInterval; pedSinceMs: number }
  | ({ kind: "yellow"; phaseIndex: number; startMs: number } & PhaseChange)
  | ({ kind: "red"; phaseIndex: number; startMs: number } & PhaseChange)
  | { kind: "flash"; startMs: number };

export interface StepInputs {
  /** Monotonic time: every interval is timed on it. */
  nowMs: number;
  /** Wall-clock time: stamps the events and places the offset grid. */
  wallMs: number;
  timing: CycleTiming;
  /** Index in the sequence of the phase an operator holds, or null. */
  holdPhaseIndex: number | null;
  /** Operator flash: entered at the next all-red, after the green's minimum and the change interval. */
  flashWanted: boolean;
  detectors: DetectorBank;
  /** Called when a cycle ends (and at the end of the start-up all-red); returns the timing for the next cycle. */
  atCycleBoundary: (nowMs: number) => CycleTiming;
}

/**
 * Single-ring phase sequencer: green (with walk and flashing don't walk inside it), yellow, red
 * clearance, next phase. The next phase is chosen when a green ends; the vehicle groups it shares
 * with the ending phase stay green through the change, only the others get yellow and red
 * clearance (docs/signal-control.md, "Groups that stay green"). It makes at most one interval
 * change per step and times every interval
 * on the monotonic clock from the tick that first showed it, so a late tick lengthens intervals,
 * never skips them, and a wall-clock step changes no interval at all. The wall clock only stamps
 * events and places the offset grid.
 */
export class Sequencer {
  interval: Interval;
  /** Start of the running cycle; null during start-up all-red and flash. */
  cycleStartMs: number | null = null;
  private cycleGreensS: number[];
  /** A new cycle's timing taken up when the last green of a cycle ended; its cycle begins with the next green. */
  private cycleTakenUp = false;
  /** Coordinated operation: the cycle's timing, its nominal start on the offset grid and each phase's force-off (ms). */
  private coordinated: CoordinatedCycle | null = null;
  private readonly phases: readonly PhaseConfig[];
  private readonly kinds = new Map<string, "vehicle" | "pedestrian">();
  /** By index in the sequence: the phase has a vehicle group that another phase also serves. */
  private readonly sharesGroups: readonly boolean[];
  private readonly startupAllRedMs: number;
  /** The wall clock at the step being made: event stamps. */
  private wallMs = 0;

  constructor(config: ControllerConfig, startMs: number, startInFlash: boolean, timing: CycleTiming) {
    this.phases = config.phases;
    for (const g of config.signalGroups) this.kinds.set(g.id, g.kind);
    this.sharesGroups = config.phases.map((p) =>
      p.groups.some((g) => this.kinds.get(g) === "vehicle" && config.phases.some((q) => q !== p && q.groups.includes(g))),
    );
    this.startupAllRedMs = startupAllRedS(config) * 1000;
    this.interval = startInFlash ? { kind: "flash", startMs } : { kind: "all-red", startMs };
    this.cycleGreensS = [...timing.greensS];
  }

  /**
   * The heads are first driven now: a start-up all-red is timed from here, not from construction
   * (a slow start, or a first tick that came late, must not shorten what the heads show).
   */
  outputsBegin(nowMs: number): void {
    if (this.interval.kind === "all-red") this.interval = { kind: "all-red", startMs: nowMs };
  }

  /** Drop this cycle's offset correction after a mid-cycle change of timing. */
  timingChanged(timing: CycleTiming): void {
    this.cycleGreensS = [...timing.greensS];
  }

  /** Straight to flash, as the conflict monitor demands. */
  enterFlash(nowMs: number): void {
    if (this.interval.kind === "flash") return;
    this.interval = { kind: "flash", startMs: nowMs };
    this.cycleStartMs = null;
    this.cycleTakenUp = false;
  }

  step(inputs: StepInputs): HiRes[] {
    this.wallMs = inputs.wallMs;
    const iv = this.interval;
    const nowMs = inputs.nowMs;
    const elapsedMs = nowMs - iv.startMs;
    switch (iv.kind) {
      case "flash":
        if (!inputs.flashWanted) this.interval = { kind: "all-red", startMs: nowMs };
        return [];
      case "all-red":
        if (inputs.flashWanted) return this.flash(nowMs);
        if (elapsedMs < this.startupAllRedMs) return [];
        const timing = this.startCycle(inputs);
        return this.beginGreen(inputs.holdPhaseIndex ?? this.firstPhase(timing, inputs.detectors), nowMs);
      case "green":
        return this.stepGreen(iv, inputs);
      case "yellow": {
        const phase = this.phases[iv.phaseIndex];
        if (elapsedMs < phase.yellowS * 1000) return [];
        this.interval = { ...iv, kind: "red", startMs: nowMs };
        return [this.event(HIRES.phaseEndYellow, phase.phase), this.event(HIRES.phaseBeginRedClearance, phase.phase)];
      }
      case "red": {
        // Flash is entered from an all-red only: with groups carried green, the change goes on to
        // the next phase, whose green the flash request then ends after its minimum.
        if (inputs.flashWanted && iv.carried.length === 0) return this.flash(nowMs);
        const phase = this.phases[iv.phaseIndex];
        if (elapsedMs < phase.redClearanceS * 1000) return [];
        const events = [this.event(HIRES.phaseEndRedClearance, phase.phase)];
        // With groups carried green the change keeps to the phase it chose (a hold asked for since
        // then ends that green after its minimum); after an all-red any phase may follow.
        const next = iv.nextIndex ?? this.choosePhaseAfter(iv.phaseIndex, inputs);
        if (this.cycleTakenUp) this.beginCycle(inputs.timing, inputs);
        return events.concat(this.beginGreen(next, nowMs));
      }
    }
  }

  groups(): GroupStates {
    const iv = this.interval;
    const out: GroupStates = {};
    for (const [id, kind] of this.kinds) out[id] = iv.kind === "flash" ? (kind === "vehicle" ? "FR" : "DK") : "R";
    if (iv.kind === "green") {
      for (const id of this.phases[iv.phaseIndex].groups) {
        if (this.kinds.get(id) === "vehicle") out[id] = "G";
        else out[id] = iv.ped === "walk" ? "G" : iv.ped === "clearance" ? "FR" : "R";
      }
    } else if (iv.kind === "yellow") {
      for (const id of this.phases[iv.phaseIndex].groups) if (this.kinds.get(id) === "vehicle") out[id] = "Y";
    }
    if (iv.kind === "yellow" || iv.kind === "red") for (const id of iv.carried) out[id] = "G";
    return out;
  }

  /** NEMA number of the phase timing now (green, yellow or red clearance). */
  activePhases(): number[] {
    const iv = this.interval;
    return iv.kind === "green" || iv.kind === "yellow" || iv.kind === "red" ? [this.phases[iv.phaseIndex].phase] : [];
  }

  private stepGreen(iv: Extract<Interval, { kind: "green" }>, inputs: StepInputs): HiRes[] {
    const { nowMs, timing, detectors } = inputs;
    const i = iv.phaseIndex;
    const phase = this.phases[i];
    const events: HiRes[] = [];
    if (iv.ped === "walk" && nowMs - iv.pedSinceMs >= (phase.pedWalkS ?? 0) * 1000) {
      this.interval = { ...iv, ped: "clearance", pedSinceMs: nowMs };
      events.push(this.event(HIRES.pedBeginClearance, phase.phase));
    } else if (iv.ped === "clearance" && nowMs - iv.pedSinceMs >= (phase.pedClearanceS ?? 0) * 1000) {
      this.interval = { ...iv, ped: "done", pedSinceMs: nowMs };
      events.push(this.event(PED_BEGIN_DONT_WALK, phase.phase));
    }
    const ped = this.interval.kind === "green" ? this.interval.ped : "none";
    if ((ped !== "none" && ped !== "done") || inputs.holdPhaseIndex === i) return events;

    const elapsedMs = nowMs - iv.startMs;
    // Nothing ends a green before its minimum, whatever the cycle's numbers say: a phase the cycle
    // omitted (split 0) can still be green, brought there by a hold that then resumed.
    if (elapsedMs < effectiveMinGreenS(phase) * 1000) return events;
    let endCode: number | null = null;
    if (inputs.holdPhaseIndex !== null || inputs.flashWanted) {
      endCode = HIRES.phaseForceOff;
    } else if (timing.operation === "coordinated" && this.coordinated !== null) {
      endCode = this.coordinatedEnd(this.coordinated, i, elapsedMs, inputs);
    } else if (timing.operation === "fixed" || !detectors.hasDetectors(i)) {
      if (elapsedMs >= this.cycleGreensS[i] * 1000) endCode = HIRES.phaseForceOff;
    } else if (elapsedMs >= (timing.source === "plan" ? Math.min(phase.maxGreenS, timing.greensS[i]) : phase.maxGreenS) * 1000) {
      endCode = HIRES.phaseMaxOut;
    } else if (this.freeGreenServed(i, iv.startMs, inputs)) {
      endCode = HIRES.phaseGapOut;
    }
    if (endCode === null) return events;
    if (this.soleActuatedPhase(inputs)) {
      // Rest in green (NEMA): a one-phase light run actuated has nobody else to serve, so a gap-out
      // or max-out would only show its own traffic a yellow and red. Each step at rest is a cycle
      // boundary, where a new plan (or the fallback) is taken up.
      this.startCycle(inputs);
      return events;
    }
    if (endCode === HIRES.phaseForceOff && this.restsInGreen(i, inputs)) {
      // Rest in green (NEMA): every other phase is omitted, so the coordinated phase carries on
      // into the next cycle (a new plan is taken up there) instead of showing its own traffic a
      // yellow and red to turn green again.
      this.startCycle(inputs);
      return events;
    }
    detectors.served(i, endCode === HIRES.phaseMaxOut);
    this.interval = { kind: "yellow", phaseIndex: i, startMs: nowMs, ...this.phaseChange(i, inputs) };
    events.push(this.event(endCode, phase.phase), this.event(HIRES.phaseBeginYellow, phase.phase));
    return events;
  }

  /**
   * Decide, as phase `i`'s green ends, the phase that follows and the groups carried green into
   * it: vehicle groups in both phases (the phase definitions put no conflicting groups in one
   * phase, so a carried group conflicts with none of the next phase's). Nothing is carried into a
   * flash, or into the same phase coming round again (it is then shown its change and served anew).
   */
  private phaseChange(i: number, inputs: StepInputs): PhaseChange {
    const none: PhaseChange = { nextIndex: null, carried: [] };
    // A phase that shares no vehicle group with another changes as it always has: the choice
    // (and a cycle boundary with it) stays at the end of the clearance.
    if (inputs.flashWanted || !this.sharesGroups[i]) return none;
    const next = this.choosePhaseAfter(i, inputs);
    const nextGroups = this.phases[next].groups;
    const carried = next === i ? [] : this.phases[i].groups.filter((g) => this.kinds.get(g) === "vehicle" && nextGroups.includes(g));
    return carried.length === 0 ? none : { nextIndex: next, carried };
  }

  /**
   * The phase after `current`: the held one, else the sequence's next. Coming round to the start of
   * the sequence takes up the next cycle's timing (which may bring a new plan, whose omissions
   * choose the first phase); its cycle begins with that phase's green (`beginCycle`).
   */
  private choosePhaseAfter(current: number, inputs: StepInputs): number {
    const hold = inputs.holdPhaseIndex;
    // Taken up when the green ended: the cycle's timing is now the running one.
    if (this.cycleTakenUp) return hold ?? this.firstPhase(inputs.timing, inputs.detectors);
    const next = hold ?? this.nextPhase(current, inputs);
    if (next > current) return next;
    const timing = inputs.atCycleBoundary(inputs.nowMs);
    this.cycleTakenUp = true;
    return hold ?? this.firstPhase(timing, inputs.detectors);
  }

  /**
   * Coordinated-actuated: every phase runs at least its min green. The coordinated phase ends at
   * its force-off; the others also gap out, so time they leave goes on to the
   * coordinated phase, whose green then starts early and still ends on the offset grid.
   */
  private coordinatedEnd(cycle: CoordinatedCycle, i: number, elapsedMs: number, inputs: StepInputs): number | null {
    const { nowMs, detectors } = inputs;
    const phase = this.phases[i];
    const coordinatedPhase = i === inputs.timing.coordinatedIndex;
    // Floating force-offs: a phase other than the coordinated one never runs longer than its
    // split's green, even when the phases before it left time over; that time goes on to the
    // coordinated phase.
    if (nowMs >= cycle.forceOffsMs[i] || (!coordinatedPhase && elapsedMs >= inputs.timing.greensS[i] * 1000)) return HIRES.phaseForceOff;
    // Max inhibit (as NEMA coordination): the coordinated phase runs to its force-off, which keeps
    // every cycle on the grid; the force-offs already bound it, so it cannot starve the others.
    if (coordinatedPhase) return null;
    if (elapsedMs >= phase.maxGreenS * 1000) return HIRES.phaseMaxOut;
    if (phase.detectors.length === 0) return null;
    // Per-detector passage times are for free operation: tried in coordination they cut side-street
    // greens short, each early gap-out costing its queue a whole cycle (SUMO's arterial +17 %,
    // docs/experiments/policy-sumo.md).
    return detectors.gappedOut(i, this.interval.startMs, nowMs, stuckOccupancyMs(phase), false) ? HIRES.phaseGapOut : null;
  }

  /**
   * Free operation (the actuated fallback, actuated hub plans): whether phase `i`'s green has
   * served its traffic. From its loops, a gap-out. From its area detectors (a camera's view of the
   * approach), when no delayed vehicle remains on them (SUMO's delay_based logic): vehicles that
   * arrive unimpeded do not extend the green, and while no other phase has demand the green rests
   * (its max green, or the plan's split, still ends it).
   */
  private freeGreenServed(i: number, startMs: number, inputs: StepInputs): boolean {
    const { nowMs, detectors } = inputs;
    const phase = this.phases[i];
    if (!detectors.extendsByArea(i)) return detectors.gappedOut(i, startMs, nowMs, stuckOccupancyMs(phase), true);
    if (detectors.hasDelayed(i, nowMs)) return false;
    return this.phases.some((_, j) => j !== i && !inputs.timing.omitted[j] && this.demanded(j, inputs.timing, detectors));
  }

  private flash(nowMs: number): HiRes[] {
    this.enterFlash(nowMs);
    return [];
  }

  private startCycle(inputs: StepInputs): CycleTiming {
    const timing = inputs.atCycleBoundary(inputs.nowMs);
    this.beginCycle(timing, inputs);
    return timing;
  }

  /** The cycle of `timing` starts now (the first green's start), on the offset grid. */
  private beginCycle(timing: CycleTiming, inputs: StepInputs): void {
    this.cycleTakenUp = false;
    this.cycleStartMs = inputs.nowMs;
    this.cycleGreensS = offsetCorrectedGreens(this.phases, timing, inputs.wallMs);
    this.coordinated = timing.operation === "coordinated" ? this.coordinatedCycle(timing, inputs.nowMs, inputs.wallMs) : null;
  }

  /**
   * The cycle's place on the offset grid. A cycle that follows one of the same timing starts one
   * cycle after it (even when gap-outs brought the boundary early); otherwise at the nearest grid
   * point, so the first cycle of a new plan is at most half a cycle long or short. The grid comes
   * from the wall clock; the cycle is timed on the monotonic one. After a wall-clock step (the
   * continued grid is off the wall clock's by more than `GRID_RESYNC_MS`) the cycle re-syncs like
   * a new plan's first cycle.
   */
  private coordinatedCycle(timing: CycleTiming, nowMs: number, wallMs: number): CoordinatedCycle {
    const cycleMs = timing.cycleS * 1000;
    const previous = this.coordinated;
    // The nearest grid point on the monotonic timeline, from where the wall clock puts us in the cycle.
    const lateMs = secondsIntoCycle(timing, wallMs) * 1000;
    const gridStartMs = lateMs <= cycleMs / 2 ? nowMs - lateMs : nowMs + cycleMs - lateMs;
    let startMs = gridStartMs;
    if (previous !== null && previous.cycleS === timing.cycleS && previous.offsetS === timing.offsetS) {
      let continued = previous.nominalStartMs + cycleMs;
      while (continued + cycleMs / 2 <= nowMs) continued += cycleMs;
      const offGridMs = Math.abs(continued - gridStartMs) % cycleMs;
      if (Math.min(offGridMs, cycleMs - offGridMs) <= GRID_RESYNC_MS) startMs = continued;
    }
    const forceOffsMs: number[] = [];
    let atMs = startMs;
    this.phases.forEach((p, i) => {
      forceOffsMs.push(atMs + timing.greensS[i] * 1000);
      if (!timing.omitted[i]) atMs += (timing.greensS[i] + p.yellowS + p.redClearanceS) * 1000;
    });
    return { cycleS: timing.cycleS, offsetS: timing.offsetS, nominalStartMs: startMs, forceOffsMs };
  }

  private beginGreen(phaseIndex: number, nowMs: number): HiRes[] {
    const phase = this.phases[phaseIndex];
    const ped: PedInterval = phase.pedWalkS !== undefined ? "walk" : "none";
    this.interval = { kind: "green", phaseIndex, startMs: nowMs, ped, pedSinceMs: nowMs };
    const events = [this.event(HIRES.phaseBeginGreen, phase.phase)];
    if (ped === "walk") events.push(this.event(HIRES.pedBeginWalk, phase.phase));
    return events;
  }

  private event(code: number, param: number): HiRes {
    return hires(code, param, this.wallMs);
  }

  private wantsService(phaseIndex: number, detectors: DetectorBank): boolean {
    return !detectors.hasDetectors(phaseIndex) || detectors.hasCall(phaseIndex);
  }

  /**
   * The phase's own call, or a vehicle waiting on the detectors of an omitted phase that shares a
   * signal group with it: an omitted protected left's traffic is served by the phase that runs the
   * same left permissive, so that phase must not be skipped while it waits.
   */
  private demanded(j: number, timing: CycleTiming, detectors: DetectorBank): boolean {
    if (this.wantsService(j, detectors)) return true;
    const groups = this.phases[j].groups;
    return this.phases.some((p, k) => k !== j && timing.omitted[k] && detectors.isOccupied(k) && p.groups.some((g) => groups.includes(g)));
  }

  /** A light with one phase, run actuated, with no hold or flash wanted: its green never needs to end. */
  private soleActuatedPhase(inputs: StepInputs): boolean {
    return this.phases.length === 1 && inputs.timing.operation === "actuated" && inputs.holdPhaseIndex === null && !inputs.flashWanted;
  }

  /** The coordinated phase at its force-off with every other phase omitted or skipped (no call): it may rest in green. */
  private restsInGreen(i: number, inputs: StepInputs): boolean {
    const { timing } = inputs;
    if (inputs.holdPhaseIndex !== null || inputs.flashWanted) return false;
    // Only when every other phase is omitted (its groups served here): a phase without a call
    // may still have traffic its detectors do not see, so a plan never starves it by resting.
    return timing.operation === "coordinated" && i === timing.coordinatedIndex && this.nextPhase(i, inputs) === i;
  }

  /**
   * Fixed time and coordination run every phase the plan does not omit. Actuated skips phases
   * nobody calls (the current one comes round again if it alone is wanted, unless it rests in
   * green), and runs the next one if nobody calls at all.
   */
  private nextPhase(current: number, inputs: StepInputs): number {
    const n = this.phases.length;
    const { operation, omitted } = inputs.timing;
    if (operation === "actuated") {
      for (let k = 1; k <= n; k++) {
        const j = (current + k) % n;
        if (!omitted[j] && this.demanded(j, inputs.timing, inputs.detectors)) return j;
      }
    }
    for (let k = 1; k < n; k++) {
      const j = (current + k) % n;
      if (!omitted[j]) return j;
    }
    return current;
  }

  private firstPhase(timing: CycleTiming, detectors: DetectorBank): number {
    if (timing.operation !== "actuated") return Math.max(0, timing.omitted.indexOf(false));
    const first = this.phases.findIndex((_, j) => !timing.omitted[j] && this.demanded(j, timing, detectors));
    return first === -1 ? Math.max(0, timing.omitted.indexOf(false)) : first;
  }
}
