import type { ControllerTiming, Measures, PlanBody } from "../../protocol/index.js";
import {
  checkPlanAgainstRules,
  computeCorridorPlans,
  emptyDemand,
  timingFromController,
  foldDemand,
  type DemandState,
  type MutableDemandState,
  type HubTiming,
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

/** An intersection the hub plans for: its own settings; the phases come from its controller (`setController`). */
export interface PlannerIntersection {
  intersectionId: string;
  settings: HubTiming;
}

/** Whether an intersection can be planned for, and why not. */
export type PlanningState =
  | { state: "planning"; controllerHash: string | null }
  | { state: "no-controller-config"; reason: string }
  | { state: "misfit"; controllerHash: string; reason: string; problems: string[] };

interface Member {
  /** The hub's own settings; null for a member given whole (`IntersectionTiming`, tests and offline tools). */
  settings: HubTiming | null;
  /** What plans are made with: null until the controller's configuration arrives and fits the settings. */
  config: IntersectionTiming | null;
  /** Corridor, refresh and validity: the hub's, known before any controller speaks. */
  corridorId: string | undefined;
  planRefreshS: number;
  planValidityS: number;
  controllerHash: string | null;
  problems: string[];
  /** The approach ids `config`'s phases serve (undefined: none known); read per measures message, so kept. */
  approachIds: ReadonlySet<string> | undefined;
  /** Updated in place (`foldDemand`): replaced every second, it would be promoted and then be old-space garbage. */
  demand: MutableDemandState;
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

  /**
   * `intersections`: the hub's settings for each (planned once its controller's configuration
   * arrives, `setController`), or a whole `IntersectionTiming` (planned at once: tests, offline tools).
   */
  constructor(
    intersections: readonly (PlannerIntersection | IntersectionTiming)[],
    private readonly report: (intersectionId: string, problem: string) => void = () => undefined,
  ) {
    for (const x of intersections) {
      const whole = "phases" in x ? x : null;
      const settings = "settings" in x ? x.settings : null;
      const own = whole ?? settings!;
      this.members.set(x.intersectionId, {
        settings,
        config: whole,
        corridorId: own.corridor?.id,
        planRefreshS: own.planRefreshS,
        planValidityS: own.planValidityS,
        controllerHash: null,
        problems: [],
        approachIds: approachIdsOf(whole),
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

  /** The timing plans are made with (the controller's phases with the hub's settings), once there is one. */
  config(intersectionId: string): IntersectionTiming | undefined {
    return this.members.get(intersectionId)?.config ?? undefined;
  }

  /** The approach ids the intersection's controller serves, once its configuration is known. */
  approaches(intersectionId: string): ReadonlySet<string> | undefined {
    return this.members.get(intersectionId)?.approachIds;
  }

  planningState(intersectionId: string): PlanningState | undefined {
    const m = this.members.get(intersectionId);
    if (!m) return undefined;
    if (m.config !== null) return { state: "planning", controllerHash: m.controllerHash };
    if (m.controllerHash === null) {
      return { state: "no-controller-config", reason: "no plan: the controller has not published its configuration (…/config) yet, so the hub has no phases to plan" };
    }
    return {
      state: "misfit",
      controllerHash: m.controllerHash,
      reason: `no plan: the hub's settings do not fit the controller's configuration: ${m.problems.join("; ")}`,
      problems: m.problems,
    };
  }

  /**
   * The controller's configuration as it published it (`…/config`). A new hash replaces the timing
   * (the next plan is due at once, made from scratch: the running plan was for the old phases) or,
   * when the hub's settings do not fit it, leaves the intersection without plans and says why.
   * `changed` is false for the configuration already in use (a reconnect's republish).
   */
  setController(intersectionId: string, hash: string, controller: ControllerTiming): { changed: boolean; state: PlanningState } | undefined {
    const m = this.members.get(intersectionId);
    if (!m || m.settings === null) return undefined;
    if (m.controllerHash === hash) return { changed: false, state: this.planningState(intersectionId)! };
    const fit = timingFromController(intersectionId, m.settings, controller);
    m.controllerHash = hash;
    m.config = fit.ok ? fit.timing : null;
    m.problems = fit.ok ? [] : fit.problems;
    m.approachIds = approachIdsOf(m.config);
    m.previous = null;
    m.lastPlannedMs = null;
    if (m.override && m.config !== null) {
      const check = checkPlanAgainstRules(m.config, m.override);
      if (!check.ok) {
        this.report(intersectionId, `operator plan ${m.override.planId} dropped: it does not keep the controller's new configuration: ${check.errors.join("; ")}`);
        m.override = null;
      }
    }
    return { changed: true, state: this.planningState(intersectionId)! };
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
      foldDemand(member.demand, measures);
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
      const refreshMs = Math.min(...members.map((m) => m.planRefreshS * 1000));
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
    const state = this.planningState(intersectionId)!;
    if (member.config === null || state.state !== "planning") return { ok: false, errors: [`intersection ${intersectionId}: ${state.state === "planning" ? "no timing" : state.reason}`] };
    return checkPlanAgainstRules(member.config, plan);
  }

  /**
   * An operator's plan kept from before a restart: held as it was checked then, and checked again
   * against the controller's configuration when that arrives (dropped, and reported, if it no longer fits).
   */
  restoreOverride(intersectionId: string, plan: PlanBody): { ok: true } | { ok: false; errors: string[] } {
    const member = this.members.get(intersectionId);
    if (!member) return { ok: false, errors: [`unknown intersection ${intersectionId}`] };
    if (member.config !== null) return this.override(intersectionId, plan);
    member.override = plan;
    member.previous = plan;
    return { ok: true };
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
    return { ...member.override, validUntil: Math.min(member.override.validUntil, nowMs + member.planValidityS * 1000) };
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
        const corridor = m.corridorId;
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
      // No controller configuration (or one the hub's settings do not fit): nothing is sent, not even an override.
      if (m.config === null) continue;
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
      return { config: m.config!, demand: m.demand, previous: m.previous, nowMs };
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
      const check = checkPlanAgainstRules(m.config!, r.plan);
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

function approachIdsOf(config: IntersectionTiming | null): ReadonlySet<string> | undefined {
  if (config === null) return undefined;
  const ids = new Set(config.phases.flatMap((p) => p.approaches.map((a) => a.approachId)));
  return ids.size > 0 ? ids : undefined;
}
