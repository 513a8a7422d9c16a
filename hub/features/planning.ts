import type { Logger } from "pino";
import type { ControllerConfigMessage, Plan, PlanBody } from "../../protocol/index.js";
import type { HubLimits } from "../config.js";
import type { Ingest, IntersectionStore } from "../ingest/index.js";
import type { BrokerConnection } from "../link/index.js";
import { Planner, PlanQueue, type PlannedPlan, type PlannerIntersection } from "../planner/index.js";
import type { Actor } from "../services/actor.js";
import type { AuditLog } from "../services/audit-log.js";
import type { HubStateStore } from "../state/index.js";
import type { Alarms } from "./alarms.js";
import type { ChangeFeed } from "./changes.js";
import type { Intersections } from "./intersections.js";
import { PlanRecords, planRecordBoundsFor, type PlanRecord } from "./plan-records.js";
import type { Recording } from "./recording.js";

export type { PlanRecord } from "./plan-records.js";


export interface PlanningDeps {
  /** The hub's settings per intersection; the phases come from each controller's `…/config`. */
  settings: readonly PlannerIntersection[];
  connection: BrokerConnection;
  intersections: Intersections;
  store: IntersectionStore;
  recording: Pick<Recording, "recordPlan">;
  alarms: Pick<Alarms, "occurrence" | "controllerConfig">;
  audit: AuditLog;
  changes: ChangeFeed;
  state: HubStateStore | null;
  limits: HubLimits;
  /** `wall`: also refresh plans on a timer (a real city); `measures`: only when measures arrive (simulated time). */
  clock: "wall" | "measures";
  nextSeq: () => number;
  /** The hub's clock: every plan's `ts` and `validUntil` come from it. */
  now: () => number;
  log: Logger;
}

/**
 * Adaptive plans and operators' overrides: measures feed the planner (off the ingest path, in
 * slices), each plan due is published retained to the intersection's agent, recorded and kept
 * (with its explanation) for the API.
 */
export class Planning {
  readonly planner: Planner;
  private readonly queue: PlanQueue;
  private readonly records: PlanRecords;
  private counters = { plansPublished: 0, planFailures: 0 };

  constructor(private readonly deps: PlanningDeps) {
    this.planner = new Planner(deps.settings, (id, problem) => this.problem(id, problem));
    this.records = new PlanRecords(planRecordBoundsFor(deps.settings.length));
    this.queue = new PlanQueue(this.planner, (plans, nowMs) => this.publishAll(plans, nowMs), { now: deps.now });
    if (deps.state) this.restoreOverrides(deps.state);
  }

  /** Measures go to the planner; a plan the edge reports applied is the one to adjust from. */
  follow(ingest: Ingest): void {
    ingest.onControllerConfig((c) => this.controllerConfigured(c));
    ingest.onMeasures((m) => this.queue.onMeasures(m));
    ingest.onStatus((s) => {
      if (!s.lastPlanApplied) return;
      const current = this.deps.store.get(s.intersectionId)?.plan;
      if (current) this.planner.adopt(s.intersectionId, current);
    });
  }

  /** Once a second: with the wall clock, every intersection is checked, so plans stay fresh (and overrides re-sent) without measures. */
  tick(nowMs: number): void {
    if (this.deps.clock === "wall") this.queue.heartbeat(nowMs, this.planner.ids());
  }

  stop(): void {
    this.queue.stop();
  }

  /** Newest first. */
  plans(intersectionId: string, limit = 50): PlanRecord[] {
    return this.records.latest(intersectionId, limit);
  }

  /** Bytes the plan records hold (packed text; bounded by `planRecordBoundsFor`). */
  recordBytes(): number {
    return this.records.bytes;
  }

  get stats(): { plansPublished: number; planFailures: number } {
    return { ...this.counters };
  }

  /**
   * The one check for an operator's plan, override or `set-plan`: the intersection's rules, and a
   * `validUntil` after the hub's clock and at most `maxValidS` after it.
   */
  checkOperatorPlan(intersectionId: string, body: PlanBody, nowMs: number, maxValidS: number): { ok: true } | { ok: false; errors: string[] } {
    const errors: string[] = [];
    const validForS = (body.validUntil - nowMs) / 1000;
    if (validForS <= 0) errors.push(`plan.validUntil: ${new Date(body.validUntil).toISOString()} is not after the hub's clock (${new Date(nowMs).toISOString()})`);
    else if (validForS > maxValidS) errors.push(`plan.validUntil: valid for ${validForS.toFixed(0)} s, more than the ${maxValidS} s allowed`);
    const rules = this.planner.has(intersectionId) ? this.planner.check(intersectionId, body) : { ok: false as const, errors: [`intersection ${intersectionId} has no timing configuration at this hub`] };
    if (!rules.ok) errors.push(...rules.errors);
    return errors.length === 0 ? { ok: true } : { ok: false, errors };
  }

  /**
   * An operator's plan: checked here first (the same check as `set-plan`), then published and held
   * (refreshed as a heartbeat, each copy valid for the intersection's plan validity at most)
   * until its `validUntil` or until released.
   */
  async override(intersectionId: string, body: PlanBody, actor: Actor): Promise<{ ok: true; plan: Plan } | { ok: false; errors: string[] }> {
    const { audit, state } = this.deps;
    const nowMs = this.deps.now();
    const checked = this.checkOperatorPlan(intersectionId, body, nowMs, this.deps.limits.maxOverrideS);
    const check = checked.ok ? this.planner.override(intersectionId, body) : checked;
    if (!check.ok) {
      audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: "plan.override", intersectionId, details: { planId: body.planId }, result: "refused", reason: check.errors.join("; ") });
      return check;
    }
    const plan = await this.publish({ intersectionId, plan: this.planner.overrideCopy(intersectionId, nowMs) ?? body, explanation: null }, "override", nowMs);
    state?.saveOverride(intersectionId, body);
    audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: "plan.override", intersectionId, details: { planId: body.planId, cycleS: body.cycleS, splitsS: body.splitsS }, result: "ok" });
    return { ok: true, plan };
  }

  release(intersectionId: string, actor: Actor): void {
    this.planner.release(intersectionId);
    this.deps.state?.deleteOverride(intersectionId);
    this.deps.audit.append({ ts: this.deps.now(), actor: actor.name, role: actor.role, action: "plan.release", intersectionId, details: {}, result: "ok" });
  }

  /**
   * A controller published its timing: plan against it from now on (a new hash: the next plan is
   * made from scratch at once). Settings that do not fit it raise `controller-config`, and the
   * intersection gets no plan until one side changes.
   */
  private controllerConfigured(message: ControllerConfigMessage): void {
    const id = message.intersectionId;
    const result = this.planner.setController(id, message.hash, message.controller);
    if (result === undefined) {
      this.deps.log.debug({ intersectionId: id }, "controller configuration of an intersection this hub does not plan");
      return;
    }
    if (!result.changed) return;
    const { state } = result;
    this.deps.log.info({ intersectionId: id, hash: message.hash, state: state.state }, "controller configuration");
    this.deps.alarms.controllerConfig(id, state.state === "misfit" ? state.reason : null);
    this.deps.changes.emit(id, "status");
  }

  /** Overrides still valid from the last run are held again (checked against each controller's configuration when it arrives). */
  private restoreOverrides(state: HubStateStore): void {
    let restored = 0;
    for (const { intersectionId, plan } of state.overrides(this.deps.now())) {
      if (this.planner.restoreOverride(intersectionId, plan).ok) restored++;
      else state.deleteOverride(intersectionId);
    }
    this.deps.log.info({ overrides: restored }, "overrides restored");
  }

  private problem(intersectionId: string, problem: string): void {
    this.counters.planFailures++;
    this.deps.log.error({ intersectionId }, problem);
    this.deps.alarms.occurrence("plan-rejected", intersectionId, `hub: ${problem}`, this.deps.now());
  }

  private async publish(planned: PlannedPlan, source: PlanRecord["source"], nowMs: number): Promise<Plan> {
    const { intersections, connection, store, recording, changes } = this.deps;
    const region = intersections.regionOf(planned.intersectionId);
    const plan: Plan = { ts: nowMs, seq: this.deps.nextSeq(), intersectionId: planned.intersectionId, ...planned.plan };
    await connection.publish(region, "plan", plan);
    store.applyPlan(region, plan);
    this.counters.plansPublished++;
    recording.recordPlan(region, plan);
    this.records.add({ plan, explanation: planned.explanation, source });
    changes.emit(planned.intersectionId, "plan");
    return plan;
  }

  private publishAll(plans: PlannedPlan[], nowMs: number): void {
    for (const p of plans) {
      const source = this.planner.overrideOf(p.intersectionId) ? "override" : "adaptive";
      this.publish(p, source, nowMs).catch((err: Error) => {
        this.counters.planFailures++;
        this.deps.log.warn({ intersectionId: p.intersectionId, err: err.message }, "plan not published");
      });
    }
  }
}
