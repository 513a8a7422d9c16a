import { HIRES, type ControlMode, type SignalState } from "../../../../protocol/index.js";
import type { ControllerConfig } from "../config.js";

interface Seen {
  state: SignalState;
  sinceMs: number;
  /** The green was under a manual hold at some tick: max green does not apply to it. */
  held: boolean;
}

/**
 * An independent witness for the property tests, written from the rules in the brief rather than
 * from the controller's code. It watches every state the controller shows, tick by tick, and
 * records each broken rule.
 */
export class SafetyObserver {
  readonly violations: string[] = [];
  private readonly seen = new Map<string, Seen>();
  private readonly clearedAtMs = new Map<string, number>();
  private readonly kind = new Map<string, "vehicle" | "pedestrian">();
  private readonly conflicts: [string, string][];
  /**
   * Vehicle groups served by more than one phase: they may stay green through a change
   * (carry-over), so max green is checked on their phases (from the phase events), not on the heads.
   */
  private readonly shared = new Set<string>();
  /** Phases green now, by number, from the controller's phase events: when the green began, and whether a hold exempts it. */
  private readonly phaseGreens = new Map<number, { sinceMs: number; held: boolean }>();

  constructor(
    private readonly config: ControllerConfig,
    startMs: number,
    private readonly options: {
      checkMaxGreen: boolean;
      /** Groups of a coordinated phase: in adaptive mode they run to their force-off, past max green (max inhibit). */
      coordinatedGroups?: ReadonlySet<string>;
    } = { checkMaxGreen: true },
  ) {
    for (const g of config.signalGroups) {
      this.kind.set(g.id, g.kind);
      this.seen.set(g.id, { state: "R", sinceMs: startMs, held: false });
      this.clearedAtMs.set(g.id, startMs);
    }
    this.conflicts = config.conflicts.map(([a, b]) => [a, b]);
    for (const g of config.signalGroups) {
      if (g.kind === "vehicle" && config.phases.filter((p) => p.groups.includes(g.id)).length > 1) this.shared.add(g.id);
    }
  }

  /**
   * Check what the heads show at a tick; `events` (the tick's events) lets it check each phase's
   * max green from the phase events, as an ATSPM reader would see them.
   */
  observe(nowMs: number, mode: ControlMode, groups: Readonly<Record<string, SignalState>>, events?: readonly unknown[]): void {
    const fail = (what: string): void => {
      if (this.violations.length < 20) this.violations.push(`t=${nowMs}: ${what}`);
    };
    if (events !== undefined) this.observePhases(nowMs, mode, groups, events, fail);
    const ids = [...this.kind.keys()];
    if (Object.keys(groups).length !== ids.length || ids.some((id) => groups[id] === undefined)) fail(`groups ${JSON.stringify(groups)} do not match the configuration`);
    const flashing = ids.some((id) => groups[id] === "FR" && this.kind.get(id) === "vehicle");
    if (flashing !== (mode === "flash")) fail(`mode ${mode} but heads ${JSON.stringify(groups)}`);

    for (const [a, b] of this.conflicts) {
      if (this.active(a, groups[a]) && this.active(b, groups[b])) fail(`conflicting right of way ${a}=${groups[a]} ${b}=${groups[b]}`);
    }

    // A green showing under a manual hold is exempt from max green until it ends.
    if (mode === "manual") for (const s of this.seen.values()) if (s.state === "G") s.held = true;
    for (const id of ids) {
      const before = this.seen.get(id);
      const now = groups[id];
      if (before === undefined) continue;
      const heldS = (nowMs - before.sinceMs) / 1000;
      if (now === before.state) {
        // Still green at a tick at or past max green: the controller saw the deadline and kept it.
        const maxInhibited = mode === "adaptive" && this.options.coordinatedGroups?.has(id) === true;
        if (this.options.checkMaxGreen && !maxInhibited && !this.shared.has(id) && this.kind.get(id) === "vehicle" && now === "G" && !before.held && !this.pedestriansCrossingWith(id, groups)) {
          if (nowMs - before.sinceMs >= this.greatest(id, "maxGreenS") * 1000) fail(`${id} green kept ${heldS} s, past max green`);
        }
        continue;
      }
      const vehicle = this.kind.get(id) === "vehicle";
      if (vehicle) {
        if (before.state === "G" && now === "R") fail(`${id} green → red without yellow`);
        if (before.state === "G" && now === "Y" && heldS < this.least(id, "minGreenS") - 1e-9) fail(`${id} green of ${heldS} s below min green`);
        if (before.state === "Y" && now === "R" && (heldS < 3 || heldS < this.least(id, "yellowS") - 1e-9)) fail(`${id} yellow of ${heldS} s`);
        if (before.state === "Y" && now === "G") fail(`${id} yellow → green`);
        if (before.state === "G" && now !== "Y" && mode !== "flash") fail(`${id} green ended by ${now} outside flash`);
      } else {
        if (before.state === "G" && now === "R") fail(`${id} walk → don't walk without clearance`);
        if (before.state === "G" && now === "FR" && heldS < this.least(id, "pedWalkS") - 1e-9) fail(`${id} walk of ${heldS} s`);
        if (before.state === "FR" && now === "R" && heldS < this.least(id, "pedClearanceS") - 1e-9) fail(`${id} pedestrian clearance of ${heldS} s`);
      }
      if (!this.active(id, before.state) && this.active(id, now)) {
        for (const [a, b] of this.conflicts) {
          const other = a === id ? b : b === id ? a : null;
          if (other === null) continue;
          const redS = (nowMs - (this.clearedAtMs.get(other) ?? 0)) / 1000;
          if (redS < this.least(other, "redClearanceS") - 1e-9) fail(`${id} got the right of way ${redS} s after ${other} lost it`);
        }
      }
      if (this.active(id, before.state) && !this.active(id, now)) this.clearedAtMs.set(id, nowMs);
      this.seen.set(id, { state: now, sinceMs: nowMs, held: mode === "manual" && now === "G" });
    }

  }

  /**
   * Pedestrians of a phase serving this group are still walking or clearing: their clearance is
   * never cut, so a late clock tick may push the green past its max.
   */
  private pedestriansCrossingWith(id: string, groups: Readonly<Record<string, SignalState>>): boolean {
    return this.config.phases.some(
      (p) => p.groups.includes(id) && p.groups.some((g) => this.kind.get(g) === "pedestrian" && (groups[g] === "G" || groups[g] === "FR")),
    );
  }

  private active(id: string, state: SignalState | undefined): boolean {
    if (this.kind.get(id) === "pedestrian") return state === "G" || state === "FR";
    return state === "G" || state === "Y" || state === "FY";
  }

  private greatest(id: string, key: "maxGreenS"): number {
    return Math.max(...this.config.phases.filter((p) => p.groups.includes(id)).map((p) => p[key]));
  }

  /**
   * Phase max green from the phase events: a phase green (event 1 to its termination, 4/5/6) still
   * open at a tick at or past its max green means the controller saw the deadline and kept it.
   * Exempt as on the heads: a hold, pedestrians crossing, the coordinated phase of a plan.
   */
  private observePhases(nowMs: number, mode: ControlMode, groups: Readonly<Record<string, SignalState>>, events: readonly unknown[], fail: (what: string) => void): void {
    for (const e of events) {
      if (typeof e !== "object" || e === null || (e as { type?: unknown }).type !== "hires") continue;
      const { code, param } = e as { code: number; param: number };
      if (code === HIRES.phaseBeginGreen) this.phaseGreens.set(param, { sinceMs: nowMs, held: false });
      else if (code === HIRES.phaseGapOut || code === HIRES.phaseMaxOut || code === HIRES.phaseForceOff) this.phaseGreens.delete(param);
    }
    if (mode === "flash") this.phaseGreens.clear();
    for (const [number, green] of this.phaseGreens) {
      if (mode === "manual") green.held = true;
      const phase = this.config.phases.find((p) => p.phase === number);
      if (phase === undefined || green.held || !this.options.checkMaxGreen) continue;
      const vehicles = phase.groups.filter((g) => this.kind.get(g) === "vehicle");
      const coordinated = mode === "adaptive" && vehicles.length > 0 && vehicles.every((g) => this.options.coordinatedGroups?.has(g) === true);
      const crossing = phase.groups.some((g) => this.kind.get(g) === "pedestrian" && (groups[g] === "G" || groups[g] === "FR"));
      if (!coordinated && !crossing && nowMs - green.sinceMs >= phase.maxGreenS * 1000) fail(`phase ${number} green kept ${(nowMs - green.sinceMs) / 1000} s, past max green`);
    }
  }

  /** The smallest value of a timing over the phases that serve the group. */
  private least(id: string, key: "minGreenS" | "maxGreenS" | "yellowS" | "redClearanceS" | "pedWalkS" | "pedClearanceS"): number {
    let least = Number.POSITIVE_INFINITY;
    for (const p of this.config.phases) if (p.groups.includes(id)) least = Math.min(least, p[key] ?? Number.POSITIVE_INFINITY);
    return least;
  }
}
