import type { Measures, PlanBody } from "../../protocol/index.js";
import {
  checkPlanAgainstRules,
  computeCorridorPlans,
  emptyDemand,
  updateDemand,
  type DemandState,
  type IntersectionTiming,
  type PlanExplanation,
} from "../control/index.js";

/** Seconds of change in cycle, offset or any split below which a new plan is not worth a transition. */
export const PLAN_HYSTERESIS_S = 2;

function nearlySame(previous: PlanBody, next: PlanBody, nowMs: number): boolean {
  if (previous.validUntil <= nowMs) return false;
  const phases = Object.keys(next.splitsS);
  if (phases.length !== Object.keys(previous.splitsS).length) return false;
  if (Math.abs(previous.cycleS - next.cycleS) > PLAN_HYSTERESIS_S) return false;
  const offsetDiff = Math.abs(previous.offsetS - next.offsetS);
  if (Math.min(offsetDiff, next.cycleS - offsetDiff) > PLAN_HYSTERESIS_S) return false;
  return phases.every((p) => previous.splitsS[p] !== undefined && Math.abs(previous.splitsS[p]! - next.splitsS[p]!) <= PLAN_HYSTERESIS_S);
}

export interface PlannedPlan {
  intersectionId: string;
  plan: PlanBody;
  explanation: PlanExplanation | null;
}

interface Member {
  config: IntersectionTiming;
  demand: DemandState;
  previous: PlanBody | null;
  /** An operator's plan, kept (and refreshed) until it expires or is released. */
  override: PlanBody | null;
  lastPlannedMs: number | null;
  measured: boolean;
}

/**
 * Decides when each intersection gets a new plan and computes it, with no I/O and no clock of its
 * own: time is the hub's clock, which the caller passes (the wall clock in a city, the simulator's
 * in simulated time; never a device's `ts`, so no device can move the time that plans the others),
 * so the same planner runs a city in real time and a simulation in simulated time.
 *
 * An intersection (or its whole corridor, planned together for a common cycle and offsets) is due
 * when its last plan is `planRefreshS` old. Every plan is checked against the intersection's own
 * rules once more before it leaves; one that fails is dropped and reported, never sent.
 */
export class Planner {
  private readonly members = new Map<string, Member>();
  private groupList: string[][] | null = null;
  private groupOf = new Map<string, string[]>();

  constructor(
    configs: readonly IntersectionTiming[],
    private readonly report: (intersectionId: string, problem: string) => void = () => undefined,
  ) {
    for (const config of configs) {
      this.members.set(config.intersectionId, {
        config,
        demand: emptyDemand(),
        previous: null,
        override: null,
        lastPlannedMs: null,
        measured: false,
      });
    }
  }

  /** Every configured intersection. */
  ids(): IterableIterator<string> {
    return this.members.keys();
  }

  has(intersectionId: string): boolean {
    return this.members.has(intersectionId);
  }

  config(intersectionId: string): IntersectionTiming | undefined {
    return this.members.get(intersectionId)?.config;
  }

  /** The demand estimate plans are made from (smoothed flows and queues per approach). */
  demand(intersectionId: string): DemandState | undefined {
    return this.members.get(intersectionId)?.demand;
  }

  /** Takes measures in; returns the plans due at `nowMs` (the hub's clock) for this intersection or its corridor. */
  onMeasures(measures: Measures, nowMs: number): PlannedPlan[] {
    if (!this.observe(measures)) return [];
    return this.due(nowMs, measures.intersectionId);
  }

  /** Takes measures into the demand estimate only (cheap); false for an unknown intersection. */
  observe(measures: Measures): boolean {
    const member = this.members.get(measures.intersectionId);
    if (!member) return false;
    // An interval with no frames (a dead camera) says nothing about demand: it is not zero traffic.
    if (measures.framesProcessed > 0) {
      member.demand = updateDemand(member.demand, measures);
      member.measured = true;
    }
    return true;
  }

  /**
   * Plans due at `nowMs`: for one intersection's group when `onlyFor` is given, else for all.
   * Intersections never measured get no adaptive plan (their controller keeps its local plan),
   * except an operator's override, which is refreshed as long as it is valid.
   */
  due(nowMs: number, onlyFor?: string): PlannedPlan[] {
    const groups = this.groups(onlyFor);
    const out: PlannedPlan[] = [];
    for (const ids of groups) {
      const members = ids.map((id) => this.members.get(id)!);
      const refreshMs = Math.min(...members.map((m) => m.config.planRefreshS * 1000));
      const last = Math.min(...members.map((m) => m.lastPlannedMs ?? -Infinity));
      if (nowMs - last < refreshMs) continue;
      out.push(...this.plan(ids, nowMs));
    }
    return out;
  }

  /** Does an operator's plan keep the intersection's rules? (The hub adds its time limits.) */
  check(intersectionId: string, plan: PlanBody): { ok: true } | { ok: false; errors: string[] } {
    const member = this.members.get(intersectionId);
    if (!member) return { ok: false, errors: [`unknown intersection ${intersectionId}`] };
    return checkPlanAgainstRules(member.config, plan);
  }

  /**
   * An operator's plan for one intersection: checked against its rules, then held until its
   * `validUntil` or until released. Each copy sent is valid for the intersection's
   * `planValidityS` at most, refreshed like any plan, so the edge's bounds hold for a long override too.
   */
  override(intersectionId: string, plan: PlanBody): { ok: true } | { ok: false; errors: string[] } {
    const check = this.check(intersectionId, plan);
    if (!check.ok) return check;
    const member = this.members.get(intersectionId)!;
    member.override = plan;
    member.previous = plan;
    return { ok: true };
  }

  release(intersectionId: string): void {
    const member = this.members.get(intersectionId);
    if (member) {
      member.override = null;
      member.lastPlannedMs = null;
    }
  }

  overrideOf(intersectionId: string): PlanBody | null {
    return this.members.get(intersectionId)?.override ?? null;
  }

  /** The copy of an override sent at `nowMs`: valid until the override ends or for `planValidityS`, whichever is first. */
  overrideCopy(intersectionId: string, nowMs: number): PlanBody | null {
    const member = this.members.get(intersectionId);
    if (!member?.override) return null;
    return { ...member.override, validUntil: Math.min(member.override.validUntil, nowMs + member.config.planValidityS * 1000) };
  }

  /** Sets the plan the edge is running (after a hub restart, from the retained plan topic). */
  adopt(intersectionId: string, plan: PlanBody): void {
    const member = this.members.get(intersectionId);
    if (member && member.previous === null) member.previous = plan;
  }

  /** Planning groups (a lone intersection, or a whole corridor), built once: this runs per message. */
  private groups(onlyFor?: string): readonly (readonly string[])[] {
    if (this.groupList === null) {
      const byCorridor = new Map<string, string[]>();
      const singles: string[][] = [];
      for (const [id, m] of this.members) {
        const corridor = m.config.corridor?.id;
        if (corridor === undefined) singles.push([id]);
        else byCorridor.set(corridor, [...(byCorridor.get(corridor) ?? []), id]);
      }
      this.groupList = [...singles, ...byCorridor.values()];
      this.groupOf = new Map();
      for (const ids of this.groupList) for (const id of ids) this.groupOf.set(id, ids);
    }
    if (onlyFor === undefined) return this.groupList;
    const group = this.groupOf.get(onlyFor);
    return group ? [group] : [];
  }

  private plan(ids: readonly string[], nowMs: number): PlannedPlan[] {
    const out: PlannedPlan[] = [];
    const adaptive: string[] = [];
    for (const id of ids) {
      const m = this.members.get(id)!;
      if (m.override && m.override.validUntil <= nowMs) m.override = null;
      if (m.override) {
        // Re-sent while valid, so an override is a heartbeat like any plan; it ends at its own validUntil.
        m.lastPlannedMs = nowMs;
        out.push({ intersectionId: id, plan: this.overrideCopy(id, nowMs)!, explanation: null });
      } else if (m.measured) adaptive.push(id);
    }
    if (adaptive.length === 0) return out;
    const inputs = adaptive.map((id) => {
      const m = this.members.get(id)!;
      return { config: m.config, demand: m.demand, previous: m.previous, nowMs };
    });
    let results;
    try {
      results = computeCorridorPlans(inputs);
    } catch (err) {
      for (const id of adaptive) this.report(id, `plan computation failed: ${(err as Error).message}`);
      return out;
    }
    // Hysteresis, for the whole group at once so corridor members never split onto different cycles:
    // when every member's new plan is within a couple of seconds of the one it runs, the running
    // plans are re-sent with a fresh validity (the edge takes that as the same plan, extended)
    // instead of costing each controller a transition.
    const keep = results.every((r, i) => {
      const previous = this.members.get(adaptive[i]!)!.previous;
      return previous !== null && nearlySame(previous, r.plan, nowMs);
    });
    results.forEach((r, i) => {
      const id = adaptive[i]!;
      const m = this.members.get(id)!;
      const check = checkPlanAgainstRules(m.config, r.plan);
      if (!check.ok) {
        this.report(id, `computed plan ${r.plan.planId} broke the intersection's rules and was not sent: ${check.errors.join("; ")}`);
        return;
      }
      const plan = keep && m.previous ? { ...m.previous, validUntil: r.plan.validUntil } : r.plan;
      m.previous = plan;
      m.lastPlannedMs = nowMs;
      out.push({ intersectionId: id, plan, explanation: plan === r.plan ? r.explanation : null });
    });
    return out;
  }
}
