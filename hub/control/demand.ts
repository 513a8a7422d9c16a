import type { Measures } from "../../protocol/index.js";
import type { IntersectionTiming } from "./config.js";

/** Smoothed traffic on one approach. */
export interface ApproachDemand {
  flowVehPerHour: number;
  /**
   * The same flow averaged over a longer horizon (`cycleTimeConstantMs`): what the cycle is set
   * from. Counts arrive in bursts a green long, so over a couple of minutes they swing with the
   * cycle itself, and Webster's cycle is steep in Y (dC0/dY = (1.5 L + 5)/(1 − Y)²).
   */
  cycleFlowVehPerHour: number;
  /** How much of the slower average's horizon has been measured (0–1): its estimate is bias-corrected by it. */
  cycleFlowWeight: number;
  /** Vehicles queued (smoothed mean). */
  queueVeh: number;
  occupancy: number;
  /** `ts` of the last measures that updated it. */
  lastTs: number;
}

/**
 * Demand at one intersection: an exponential moving average per approach, kept as plain data so
 * the hub can hold one per intersection and the engine stays pure.
 */
export interface DemandState {
  approaches: Readonly<Record<string, ApproachDemand>>;
  /** `ts` of the newest measures taken in; older or repeated ones are ignored. */
  lastTs: number | null;
}

export interface DemandOptions {
  /**
   * Time constant of the moving average. Each interval weighs 1 − exp(−intervalMs / timeConstantMs),
   * so the smoothing is the same whatever interval the edge reports at.
   */
  timeConstantMs?: number;
  /** Time constant of the slower average the cycle is set from (`cycleFlowVehPerHour`). */
  cycleTimeConstantMs?: number;
}

export const DEFAULT_DEMAND_TIME_CONSTANT_MS = 120_000;
export const DEFAULT_CYCLE_DEMAND_TIME_CONSTANT_MS = 600_000;

export function emptyDemand(): MutableDemandState {
  return { approaches: {}, lastTs: null };
}

/** Vehicles counted over an interval, as an hourly flow. */
export function flowVehPerHour(count: number, intervalMs: number): number {
  return (count * 3_600_000) / intervalMs;
}

/**
 * Fold one interval of measures into the state. Measures no newer than the last ones taken in
 * (a QoS 1 redelivery, an out-of-order replay from the edge's outbox) leave it unchanged.
 */
export function updateDemand(state: DemandState, measures: Measures, options: DemandOptions = {}): DemandState {
  if (state.lastTs !== null && measures.ts <= state.lastTs) return state;
  const next: MutableDemandState = { approaches: {}, lastTs: state.lastTs };
  for (const [id, a] of Object.entries(state.approaches)) next.approaches[id] = { ...a };
  foldDemand(next, measures, options);
  return next;
}

/** A demand state its owner updates in place (`foldDemand`). */
export interface MutableDemandState extends DemandState {
  approaches: Record<string, ApproachDemand>;
}

/**
 * `updateDemand` in place, for the hub's one long-lived state per intersection: once every
 * approach has been heard it allocates nothing, where a new state per measures message (every
 * second at every intersection) would be promoted and then be old-space garbage. False (and
 * unchanged) for measures no newer than the last ones taken in.
 */
export function foldDemand(state: MutableDemandState, measures: Measures, options: DemandOptions = {}): boolean {
  if (state.lastTs !== null && measures.ts <= state.lastTs) return false;
  const timeConstantMs = options.timeConstantMs ?? DEFAULT_DEMAND_TIME_CONSTANT_MS;
  const weight = 1 - Math.exp(-measures.intervalMs / timeConstantMs);
  const cycleWeight = 1 - Math.exp(-measures.intervalMs / (options.cycleTimeConstantMs ?? DEFAULT_CYCLE_DEMAND_TIME_CONSTANT_MS));
  for (const a of measures.approaches) {
    const flow = flowVehPerHour(a.count, measures.intervalMs);
    const before = state.approaches[a.approachId];
    if (before === undefined) {
      state.approaches[a.approachId] = { flowVehPerHour: flow, cycleFlowVehPerHour: flow, cycleFlowWeight: cycleWeight, queueVeh: a.queue, occupancy: a.occupancy, lastTs: measures.ts };
    } else {
      before.flowVehPerHour = blend(before.flowVehPerHour, flow, weight);
      slowAverage(before, flow, cycleWeight);
      before.queueVeh = blend(before.queueVeh, a.queue, weight);
      before.occupancy = blend(before.occupancy, a.occupancy, weight);
      before.lastTs = measures.ts;
    }
  }
  state.lastTs = measures.ts;
  return true;
}

/** Demand from a window of recent measures, in any order; the most recent weigh most. */
export function demandFromWindow(window: readonly Measures[], options: DemandOptions = {}): DemandState {
  return [...window].sort((a, b) => a.ts - b.ts).reduce((state, m) => updateDemand(state, m, options), emptyDemand());
}

/** Steady demand of the same flow on every approach and no queue: what a fixed-time plan is designed for. */
export function uniformDemand(config: IntersectionTiming, flowVehPerHourPerApproach: number | Readonly<Record<string, number>>): DemandState {
  const approaches: Record<string, ApproachDemand> = {};
  for (const phase of config.phases) {
    for (const a of phase.approaches) {
      const flow = typeof flowVehPerHourPerApproach === "number" ? flowVehPerHourPerApproach : (flowVehPerHourPerApproach[a.approachId] ?? 0);
      approaches[a.approachId] = { flowVehPerHour: flow, cycleFlowVehPerHour: flow, cycleFlowWeight: 1, queueVeh: 0, occupancy: 0, lastTs: 0 };
    }
  }
  return { approaches, lastTs: null };
}

/** What one phase must serve. */
export interface PhaseDemand {
  phase: number;
  /** Critical flow ratio from flow alone: max over served approaches of (flow × share / lanes) / saturation flow. */
  flowRatio: number;
  /** The same from the longer-horizon flow (`cycleFlowVehPerHour`): what a `cycleFrom: flow` cycle is set from. */
  cycleFlowRatio: number;
  /** The same with each standing queue added as flow that must clear within one cycle. */
  demandRatio: number;
  /** The approach that sets `demandRatio`; null when the phase serves no measured traffic. */
  criticalApproachId: string | null;
  /** Queue on the critical approach (vehicles). */
  criticalQueueVeh: number;
}

/**
 * Critical ratios per phase, in sequence order. A standing queue counts as extra flow
 * queue × 3600 / `queueCycleS` veh/h: vehicles that must clear within one cycle, so an approach
 * whose counts are capped by its capacity (oversaturated) still shows its real demand.
 */
export function phaseDemands(config: IntersectionTiming, demand: DemandState, queueCycleS: number): PhaseDemand[] {
  const saturation = config.saturationFlowVehPerHourPerLane;
  return config.phases.map((phase) => {
    let flowRatio = 0;
    let cycleFlowRatio = 0;
    let demandRatio = 0;
    let criticalApproachId: string | null = null;
    let criticalQueueVeh = 0;
    for (const a of phase.approaches) {
      const d = demand.approaches[a.approachId];
      if (d === undefined) continue;
      const perLane = (vehPerHour: number): number => (vehPerHour * a.share) / a.lanes / saturation;
      flowRatio = Math.max(flowRatio, perLane(d.flowVehPerHour));
      cycleFlowRatio = Math.max(cycleFlowRatio, perLane(d.cycleFlowVehPerHour));
      const withQueue = perLane(d.flowVehPerHour + (d.queueVeh * 3600) / queueCycleS);
      if (criticalApproachId === null || withQueue > demandRatio) {
        demandRatio = withQueue;
        criticalApproachId = a.approachId;
        criticalQueueVeh = d.queueVeh;
      }
    }
    return { phase: phase.phase, flowRatio, cycleFlowRatio, demandRatio, criticalApproachId, criticalQueueVeh };
  });
}

/** Configured approaches the demand state has never heard of. */
export function unmeasuredApproaches(config: IntersectionTiming, demand: DemandState): string[] {
  const ids = new Set(config.phases.flatMap((p) => p.approaches.map((a) => a.approachId)));
  return [...ids].filter((id) => demand.approaches[id] === undefined).sort();
}

/**
 * The longer-horizon flow as a bias-corrected moving average: until the horizon is filled, the
 * estimate is the weighted mean of what has been measured (not pulled towards the first interval).
 */
function slowAverage(a: ApproachDemand, flow: number, weight: number): void {
  const filled = a.cycleFlowWeight + weight * (1 - a.cycleFlowWeight);
  const raw = a.cycleFlowVehPerHour * a.cycleFlowWeight;
  a.cycleFlowVehPerHour = (raw + weight * (flow - raw)) / filled;
  a.cycleFlowWeight = filled;
}

function blend(previous: number, latest: number, weight: number): number {
  return previous + weight * (latest - previous);
}
