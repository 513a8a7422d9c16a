import type { SignalState } from "../../../protocol/index.js";
import type { ControllerConfig } from "./config.js";

/** What every signal head shows, keyed by signal group id. */
export type GroupStates = Record<string, SignalState>;

/** The limits the monitor enforces for one signal group: the smallest its phases allow. */
export interface GroupLimits {
  kind: "vehicle" | "pedestrian";
  minGreenS: number;
  yellowS: number;
  redClearanceS: number;
  pedWalkS: number;
  pedClearanceS: number;
}

export interface MonitorRules {
  groups: ReadonlyMap<string, GroupLimits>;
  conflicts: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Timing slack for float arithmetic on ms timestamps. */
const EPSILON_MS = 1e-3;

/**
 * Slack the field agent gives a monitor on its own timer: its readings come a little after the
 * sequencer's (within one tick, normally microseconds; a GC pause between the two reads could make
 * it milliseconds), so a duration it measures can come out that much short. Far tighter than a
 * cabinet MMU's (which latches a 3 s yellow below 2.7 s); a false trip flashes, which is safe.
 */
export const MONITOR_TIMER_TOLERANCE_MS = 5;

/**
 * The monitor's rules come from the configuration's conflict matrix and per-phase limits, never
 * from the sequencer, so a sequencer bug cannot vouch for itself.
 */
export function monitorRulesFromConfig(config: ControllerConfig): MonitorRules {
  const groups = new Map<string, GroupLimits>();
  for (const g of config.signalGroups) {
    const phases = config.phases.filter((p) => p.groups.includes(g.id));
    const least = (pick: (p: (typeof phases)[number]) => number | undefined): number =>
      Math.min(...phases.map((p) => pick(p) ?? Number.POSITIVE_INFINITY));
    groups.set(g.id, {
      kind: g.kind,
      minGreenS: least((p) => p.minGreenS),
      yellowS: least((p) => p.yellowS),
      redClearanceS: least((p) => p.redClearanceS),
      pedWalkS: g.kind === "pedestrian" ? least((p) => p.pedWalkS) : 0,
      pedClearanceS: g.kind === "pedestrian" ? least((p) => p.pedClearanceS) : 0,
    });
  }
  const conflicts = new Map<string, Set<string>>();
  for (const [a, b] of config.conflicts) {
    if (!conflicts.has(a)) conflicts.set(a, new Set());
    if (!conflicts.has(b)) conflicts.set(b, new Set());
    conflicts.get(a)?.add(b);
    conflicts.get(b)?.add(a);
  }
  return { groups, conflicts };
}

/**
 * Does this state give the group the right of way? Pedestrian FR is flashing don't walk: people
 * are still crossing.
 */
export function hasRightOfWay(kind: GroupLimits["kind"], state: SignalState): boolean {
  if (kind === "pedestrian") return state === "G" || state === "FR";
  return state === "G" || state === "Y" || state === "FY";
}

const VEHICLE_FLASH: ReadonlySet<SignalState> = new Set(["FR", "FY"]);

/**
 * Software conflict monitor, like a cabinet's MMU: it sees every proposed output and says which
 * rule it would break, before it reaches the heads. It checks conflicting right of way, allowed
 * states per group (no dual or dark indications outside flash), green → yellow → red with a full
 * yellow, min green, walk and pedestrian clearance, and red clearance before a conflicting green.
 * Entering flash is always allowed; leaving it goes through red.
 *
 * It measures every duration on its own monotonic timer (`clock`), as a cabinet MMU has its own,
 * never from the times the sequencer works with: a sequencer misled about time cannot vouch for itself.
 */
export class ConflictMonitor {
  private readonly shown = new Map<string, { state: SignalState; sinceMs: number }>();
  /** When each group last lost the right of way. */
  private readonly clearedAtMs = new Map<string, number>();

  private readonly slackMs: number;

  /** Starts as if every group had just had the right of way: a start-up all-red must come first. */
  constructor(
    private readonly rules: MonitorRules,
    private readonly clock: () => number,
    toleranceMs = 0,
  ) {
    this.slackMs = EPSILON_MS + Math.max(0, toleranceMs);
    const startMs = clock();
    for (const id of rules.groups.keys()) {
      this.shown.set(id, { state: "R", sinceMs: startMs });
      this.clearedAtMs.set(id, startMs);
    }
  }

  /** The first rule `next` would break now (by the monitor's own clock), in words, or null. Changes nothing. */
  check(next: Readonly<GroupStates>): string | null {
    const nowMs = this.clock();
    for (const id of Object.keys(next)) {
      if (!this.rules.groups.has(id)) return `output for unknown signal group "${id}"`;
    }
    let flashing = false;
    for (const [id, limits] of this.rules.groups) {
      const state = next[id];
      if (state === undefined) return `signal group "${id}" has no indication`;
      if (limits.kind === "vehicle" && VEHICLE_FLASH.has(state)) flashing = true;
      if (limits.kind === "vehicle" && state === "DK") return `vehicle signal group "${id}" is dark`;
      if (limits.kind === "pedestrian" && (state === "Y" || state === "FY")) return `pedestrian signal group "${id}" shows ${state}, not a pedestrian indication`;
    }
    for (const [id, limits] of this.rules.groups) {
      const state = next[id];
      const inFlash = limits.kind === "vehicle" ? VEHICLE_FLASH.has(state) : state === "DK";
      if (inFlash !== flashing) return `signal group "${id}" shows ${state} while the intersection is ${flashing ? "" : "not "}in flash`;
    }
    for (const [id, limits] of this.rules.groups) {
      const problem = this.transitionProblem(id, limits, next[id], nowMs);
      if (problem !== null) return problem;
    }
    for (const [a, others] of this.rules.conflicts) {
      const la = this.rules.groups.get(a);
      if (la === undefined || !hasRightOfWay(la.kind, next[a])) continue;
      for (const b of others) {
        const lb = this.rules.groups.get(b);
        if (lb !== undefined && hasRightOfWay(lb.kind, next[b])) {
          return `conflicting right of way: "${a}" shows ${next[a]} while "${b}" shows ${next[b]}`;
        }
      }
    }
    for (const [b, limitsB] of this.rules.groups) {
      const before = this.shown.get(b)?.state ?? "R";
      if (!hasRightOfWay(limitsB.kind, next[b]) || hasRightOfWay(limitsB.kind, before)) continue;
      for (const a of this.rules.conflicts.get(b) ?? []) {
        const limitsA = this.rules.groups.get(a);
        const shownA = this.shown.get(a);
        if (limitsA === undefined || shownA === undefined) continue;
        // A conflicting group losing the right of way in this very change has had no red at all.
        const clearedAtMs = hasRightOfWay(limitsA.kind, shownA.state) ? nowMs : (this.clearedAtMs.get(a) ?? nowMs);
        const redS = (nowMs - clearedAtMs) / 1000;
        if (nowMs - clearedAtMs < limitsA.redClearanceS * 1000 - this.slackMs) {
          return `"${b}" got the right of way ${redS.toFixed(2)} s after conflicting "${a}" lost it; red clearance needs ${limitsA.redClearanceS} s`;
        }
      }
    }
    return null;
  }

  /** Record what the heads now show, at the monitor's own time. */
  commit(next: Readonly<GroupStates>): void {
    const nowMs = this.clock();
    for (const [id, limits] of this.rules.groups) {
      const before = this.shown.get(id);
      const state = next[id];
      if (before !== undefined && before.state === state) continue;
      if (before !== undefined && hasRightOfWay(limits.kind, before.state) && !hasRightOfWay(limits.kind, state)) {
        this.clearedAtMs.set(id, nowMs);
      }
      this.shown.set(id, { state, sinceMs: nowMs });
    }
  }

  private transitionProblem(id: string, limits: GroupLimits, next: SignalState, nowMs: number): string | null {
    const before = this.shown.get(id);
    if (before === undefined || before.state === next) return null;
    const heldMs = nowMs - before.sinceMs;
    const heldS = (heldMs / 1000).toFixed(2);
    const from = before.state;
    const move = `"${id}" went from ${from} to ${next}`;
    if (limits.kind === "vehicle") {
      if (VEHICLE_FLASH.has(next)) return null;
      if (from === "R" && next === "G") return null;
      if (VEHICLE_FLASH.has(from) && next === "R") return null;
      if (from === "G" && next === "Y") {
        return heldMs >= limits.minGreenS * 1000 - this.slackMs ? null : `"${id}" green ended after ${heldS} s, below its min green ${limits.minGreenS} s`;
      }
      if (from === "Y" && next === "R") {
        return heldMs >= limits.yellowS * 1000 - this.slackMs ? null : `"${id}" yellow lasted ${heldS} s, below its ${limits.yellowS} s`;
      }
      if (from === "G" && next === "R") return `${move} without a yellow`;
      return VEHICLE_FLASH.has(from) ? `${move}; leaving flash must go through red` : `${move}, not an allowed change`;
    }
    if (next === "DK") return null;
    if ((from === "R" && next === "G") || (from === "DK" && next === "R")) return null;
    if (from === "G" && next === "FR") {
      return heldMs >= limits.pedWalkS * 1000 - this.slackMs ? null : `"${id}" walk ended after ${heldS} s, below its ${limits.pedWalkS} s`;
    }
    if (from === "FR" && next === "R") {
      return heldMs >= limits.pedClearanceS * 1000 - this.slackMs ? null : `"${id}" pedestrian clearance lasted ${heldS} s, below its ${limits.pedClearanceS} s`;
    }
    if (from === "G" && next === "R") return `${move} without a pedestrian clearance`;
    return `${move}, not an allowed change`;
  }
}
