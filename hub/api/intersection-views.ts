import type { ApiServices } from "./services.js";
import { capacityModelOf, degreeOfSaturation, type CapacityModel } from "./saturation.js";
import type { IntersectionTiming } from "../control/index.js";
import type { IntersectionDetail, IntersectionSummary, PlanningState } from "./contract.js";

/** What the views read. */
export type ViewSources = Pick<ApiServices, "intersections" | "store" | "planning" | "cameras" | "alarms" | "commands" | "changes">;

const DETAIL_EVENTS = 100;
const DETAIL_COMMANDS = 20;

/**
 * Read models of the hub's state for the API and the live stream. Summaries are built on the live
 * stream's hot path, so what can be derived once is: the capacity model per intersection, and the
 * active-alarm counts (rebuilt only after an alarm changed).
 */
export class IntersectionViews {
  private readonly capacity = new Map<string, { timing: IntersectionTiming | undefined; model: CapacityModel | null }>();
  private alarmCounts: Map<string, number> | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly sources: ViewSources) {
    this.unsubscribe = sources.changes.onChange((_id, kind) => {
      if (kind === "alarm") this.alarmCounts = null;
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /** Configured intersections in config order, then any others heard of. */
  ids(): string[] {
    const ids = this.sources.intersections.list().map((x) => x.intersectionId);
    const configured = new Set(ids);
    for (const state of this.sources.store.list()) if (!configured.has(state.intersectionId)) ids.push(state.intersectionId);
    return ids;
  }

  has(id: string): boolean {
    return this.sources.intersections.has(id);
  }

  all(): IntersectionSummary[] {
    return this.many(this.ids());
  }

  many(ids: Iterable<string>): IntersectionSummary[] {
    const out: IntersectionSummary[] = [];
    for (const id of ids) {
      const summary = this.summary(id);
      if (summary !== null) out.push(summary);
    }
    return out;
  }

  summary(id: string): IntersectionSummary | null {
    const configured = this.sources.intersections.get(id);
    const state = this.sources.store.get(id);
    if (configured === undefined && state === undefined) return null;
    const signal = state?.signal ?? null;
    const measures = state?.measures ?? null;
    const plan = state?.plan ?? null;
    // The hub's plan describes the street only once the controller runs it (or before any signal is heard).
    const running = plan !== null && (signal === null || signal.planId === plan.planId) ? plan : null;
    const demand = this.sources.planning.planner.demand(id);
    let queueVeh: number | null = null;
    if (measures !== null) {
      queueVeh = 0;
      for (const a of measures.approaches) queueVeh += a.queue;
    }
    const summary: IntersectionSummary = {
      intersectionId: id,
      region: configured?.region ?? state?.region ?? "",
      position: configured?.position ?? null,
      online: state?.online ?? null,
      mode: signal?.mode ?? state?.status?.mode ?? null,
      planId: signal !== null ? signal.planId : (plan?.planId ?? null),
      cycleS: running?.cycleS ?? null,
      groups: signal?.groups ?? null,
      activePhases: signal?.activePhases ?? [],
      degreeOfSaturation: degreeOfSaturation(this.capacityOf(id), measures, running, (approachId) => demand?.approaches[approachId]?.flowVehPerHour),
      queueVeh,
      activeAlarms: this.activeAlarms().get(id) ?? 0,
      lastSeenMs: state?.lastSeenMs ?? null,
      signalTs: signal?.ts ?? null,
      cycleSecond: signal?.cycleSecond ?? null,
    };
    if (configured?.name !== undefined) summary.name = configured.name;
    return summary;
  }

  detail(id: string): IntersectionDetail | null {
    const summary = this.summary(id);
    if (summary === null) return null;
    const state = this.sources.store.get(id);
    const plan = state?.plan ?? null;
    const record = this.sources.planning.plans(id, 1)[0];
    const explained = record !== undefined && plan !== null && record.plan.planId === plan.planId ? record : null;
    const timing = this.sources.planning.planner.config(id);
    const camera = this.sources.cameras.get(id);
    return {
      ...summary,
      signal: state?.signal ?? null,
      measures: state?.measures ?? null,
      status: state?.status ?? null,
      plan,
      planExplanation: explained?.explanation ?? null,
      planSource: explained?.source ?? null,
      planning: this.planningOf(id),
      phases: (timing?.phases ?? []).map((p) => ({
        phase: p.phase,
        minGreenS: p.minGreenS,
        maxGreenS: p.maxGreenS,
        yellowS: p.yellowS,
        redClearanceS: p.redClearanceS,
        approaches: p.approaches.map((a) => ({ approachId: a.approachId, lanes: a.lanes })),
      })),
      recentEvents: (state?.recentEvents ?? []).slice(-DETAIL_EVENTS),
      alarms: this.sources.alarms.list({ intersectionId: id }),
      commands: this.sources.commands.list(id, DETAIL_COMMANDS),
      camera: camera === undefined ? { available: false } : { available: true, zones: camera.camera },
    };
  }

  private planningOf(id: string): PlanningState {
    const state = this.sources.planning.planner.planningState(id);
    if (state === undefined) return { state: "unplanned", reason: "no plan: this hub has no settings for the intersection", problems: [], controllerConfigHash: null };
    if (state.state === "planning") return { state: "planning", reason: null, problems: [], controllerConfigHash: state.controllerHash };
    if (state.state === "misfit") return { state: "misfit", reason: state.reason, problems: state.problems, controllerConfigHash: state.controllerHash };
    return { state: state.state, reason: state.reason, problems: [], controllerConfigHash: null };
  }

  /** Rebuilt when the timing changes (a controller published a new configuration). */
  private capacityOf(id: string): CapacityModel | null {
    const timing = this.sources.planning.planner.config(id);
    let cached = this.capacity.get(id);
    if (cached === undefined || cached.timing !== timing) {
      cached = { timing, model: timing === undefined ? null : capacityModelOf(timing) };
      this.capacity.set(id, cached);
    }
    return cached.model;
  }

  private activeAlarms(): Map<string, number> {
    if (this.alarmCounts === null) {
      const counts = new Map<string, number>();
      for (const a of this.sources.alarms.list()) {
        if (a.active && a.intersectionId !== null) counts.set(a.intersectionId, (counts.get(a.intersectionId) ?? 0) + 1);
      }
      this.alarmCounts = counts;
    }
    return this.alarmCounts;
  }
}
