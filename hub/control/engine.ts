import type { PlanBody } from "../../protocol/index.js";
import { checkPlanAgainstRules } from "./check.js";
import type { IntersectionTiming } from "./config.js";
import { mainPhaseStartS, progressionOffsetS, travelTimesS } from "./corridor.js";
import { phaseDemands, uniformDemand, unmeasuredApproaches, type DemandState, type PhaseDemand } from "./demand.js";
import { reasonSentence, type CorridorExplanation, type PlanExplanation } from "./explanation.js";
import { phasePressures, type PhasePressure } from "./max-pressure.js";
import { phaseOmissions, type PhaseOmission } from "./omission.js";
import { smoothingBase, smoothTowards, type SmoothedFrom } from "./smoothing.js";
import { splitsForCycle, splitsRecord, wholeCycleS } from "./splits.js";
import { queueConsistentCycleS, websterTarget, type WebsterTarget } from "./webster.js";

export interface ComputePlanInput {
  config: IntersectionTiming;
  /** Recent demand (`updateDemand`, `demandFromWindow`); `emptyDemand()` before any measures. */
  demand: DemandState;
  /** The plan the edge is running, for smoothing; ignored when expired or made for other phases. */
  previous?: PlanBody | null;
  nowMs: number;
  /** Demand at neighbouring intersections by id, for max-pressure's downstream queues. */
  neighbours?: Readonly<Record<string, DemandState>>;
}

export interface PlanResult {
  plan: PlanBody;
  explanation: PlanExplanation;
}

/** Everything about a plan but its final cycle and offset, which a corridor may still change. */
interface Draft {
  /** The phases this plan runs: the configuration less the omitted phases. */
  config: IntersectionTiming;
  /** The whole configuration, which the plan is checked against. */
  full: IntersectionTiming;
  omissions: PhaseOmission[];
  nowMs: number;
  policy: PlanExplanation["policy"];
  webster: WebsterTarget;
  demands: PhaseDemand[];
  pressures: PhasePressure[] | null;
  /** The cycle this intersection would run alone: smoothed, whole seconds. */
  cycleS: number;
  weights: number[];
  smoothed: SmoothedFrom | null;
  unmeasured: string[];
}

/**
 * One intersection's next plan. A corridor member planned alone is its own reference (offset puts
 * its main phase's green at the cycle's zero point); plan a corridor's members together with
 * `computeCorridorPlans`.
 */
export function computePlan(input: ComputePlanInput): PlanResult {
  const [result] = computeCorridorPlans([input]);
  return result;
}

/**
 * Plans for several intersections at once. Members of a corridor (same `corridor.id`) share the
 * largest of their cycles (the critical intersection's) and get offsets for progression in the
 * direction of increasing `positionM`; a member that cannot run that cycle runs alone and says so.
 * Results come in the order of `inputs`.
 */
export function computeCorridorPlans(inputs: readonly ComputePlanInput[]): PlanResult[] {
  const ids = new Set<string>();
  for (const input of inputs) {
    if (ids.has(input.config.intersectionId)) throw new Error(`intersection ${input.config.intersectionId} is given twice`);
    ids.add(input.config.intersectionId);
  }
  const drafts = inputs.map((input) => draftPlan(input, input.config.policy));
  const results: (PlanResult | undefined)[] = drafts.map((d) => (d.config.corridor === undefined ? finalise(d, d.cycleS, null) : undefined));
  const corridors = new Map<string, number[]>();
  drafts.forEach((d, i) => {
    const id = d.config.corridor?.id;
    if (id !== undefined) corridors.set(id, [...(corridors.get(id) ?? []), i]);
  });
  for (const [id, members] of corridors) {
    const commonCycleS = Math.max(...members.map((i) => drafts[i].cycleS));
    const canRun = (i: number): boolean => {
      const c = drafts[i].config;
      return wholeCycleS(c.phases, commonCycleS, { minS: c.minCycleS, maxS: c.maxCycleS }) === commonCycleS;
    };
    const joined = members.filter(canRun);
    const travel = travelTimesS(
      joined.map((i) => {
        const c = drafts[i].config;
        const corridor = c.corridor;
        if (corridor === undefined) throw new Error("unreachable: corridor member without corridor");
        return { intersectionId: c.intersectionId, positionM: corridor.positionM, progressionSpeedKmh: corridor.progressionSpeedKmh };
      }),
    );
    for (const i of members) {
      const d = drafts[i];
      const coordinated = joined.includes(i);
      const travelS = travel.get(d.config.intersectionId)?.travelS ?? 0;
      results[i] = finalise(d, coordinated ? commonCycleS : d.cycleS, { id, coordinated, commonCycleS, travelS });
    }
  }
  return results.map((r) => {
    if (r === undefined) throw new Error("unreachable: intersection left without a plan");
    return r;
  });
}

/**
 * The Webster-optimal fixed-time plan for a steady demand: the same flow on every approach (a
 * number, veh/h) or a flow per approach id. This is what a traffic engineer would set by hand,
 * the baseline adaptive control is compared against.
 */
export function websterFixedPlan(
  config: IntersectionTiming,
  averageDemandVehPerHourPerApproach: number | Readonly<Record<string, number>>,
  options: { nowMs?: number } = {},
): PlanResult {
  const nowMs = options.nowMs ?? 0;
  const draft = draftPlan({ config, demand: uniformDemand(config, averageDemandVehPerHourPerApproach), nowMs }, "fixed");
  return finalise(draft, draft.cycleS, null, `${config.intersectionId}-webster-fixed`);
}

function draftPlan(input: ComputePlanInput, policy: PlanExplanation["policy"]): Draft {
  const { demand, nowMs } = input;
  const full = input.config;
  // A fixed-time plan runs every phase; adaptive plans leave out protected lefts not warranted now,
  // and plan the remaining phases as if the sequence had only them.
  const omissions = policy === "fixed" ? [] : phaseOmissions(full, demand, input.previous?.omitPhases ?? []);
  const omitted = new Set(omissions.filter((o) => o.omitted).map((o) => o.phase));
  const config = omitted.size === 0 ? full : { ...full, phases: full.phases.filter((p) => !omitted.has(p.phase)) };
  const base = policy === "fixed" ? null : smoothingBase(config, input.previous, nowMs);
  const fixedCycleS = policy === "max-pressure" ? config.maxPressureCycleS : undefined;
  const queueCycleS =
    fixedCycleS ??
    queueConsistentCycleS(config, (cycleS) => phaseDemands(config, demand, cycleS).reduce((s, d) => s + (config.cycleFrom === "flow" ? d.cycleFlowRatio : d.demandRatio), 0));
  const demands = phaseDemands(config, demand, queueCycleS);
  const webster = websterTarget(config, demands);
  let pressures: PhasePressure[] | null = null;
  let target = { cycleS: webster.cycleS, weights: webster.weights };
  let preferS = { minS: config.minCycleS, maxS: config.maxCycleS };
  if (policy === "max-pressure") {
    pressures = phasePressures(config, demand, input.neighbours);
    target = { cycleS: fixedCycleS ?? webster.cycleS, weights: pressures.map((p) => p.pressureVeh) };
    if (fixedCycleS !== undefined) preferS = { minS: Math.min(preferS.minS, fixedCycleS), maxS: Math.max(preferS.maxS, fixedCycleS) };
  }
  const smoothed = smoothTowards(config, target, base);
  return {
    config,
    full,
    omissions,
    nowMs,
    policy,
    webster,
    demands,
    pressures,
    cycleS: wholeCycleS(config.phases, smoothed.cycleS, preferS),
    weights: smoothed.weights,
    smoothed: smoothed.smoothed,
    unmeasured: unmeasuredApproaches(config, demand),
  };
}

interface CorridorPlacement {
  id: string;
  coordinated: boolean;
  commonCycleS: number;
  travelS: number;
}

function finalise(d: Draft, cycleS: number, placement: CorridorPlacement | null, planId?: string): PlanResult {
  const { config } = d;
  const { splitsS, greensS } = splitsForCycle(config.phases, cycleS, d.weights, config.extraLostTimePerPhaseS);
  let offsetS = 0;
  let corridor: CorridorExplanation | null = null;
  if (placement !== null && config.corridor !== undefined) {
    const mainStartS = mainPhaseStartS(config.phases, splitsS, config.corridor.mainPhase);
    if (placement.coordinated) offsetS = progressionOffsetS(placement.travelS, mainStartS, cycleS);
    corridor = { ...placement, mainPhase: config.corridor.mainPhase, mainPhaseStartS: mainStartS };
  }
  const byPhase = <T>(values: readonly T[]): Record<string, T> => Object.fromEntries(config.phases.map((p, i) => [String(p.phase), values[i]]));
  const explanation: PlanExplanation = {
    policy: d.policy,
    Y: d.webster.Y,
    flowY: d.webster.flowY,
    cycleY: d.webster.cycleY,
    L: d.webster.L,
    C0: d.webster.C0,
    cycleS,
    offsetS,
    greens: byPhase(greensS),
    criticalRatios: byPhase(d.demands.map((x) => x.demandRatio)),
    pressures: d.pressures === null ? null : byPhase(d.pressures.map((p) => p.pressureVeh)),
    oversaturated: d.webster.oversaturated,
    boundedBy: d.policy === "max-pressure" && config.maxPressureCycleS !== undefined ? null : d.webster.boundedBy,
    smoothed: d.smoothed,
    corridor,
    unmeasuredApproaches: d.unmeasured,
    omissions: d.omissions,
  };
  const notes = d.demands.map((x, i) => ({
    phase: x.phase,
    ratio: x.demandRatio,
    queueVeh: x.criticalQueueVeh,
    pressureVeh: d.pressures === null ? null : d.pressures[i].pressureVeh,
  }));
  const omitPhases = d.omissions.filter((o) => o.omitted).map((o) => o.phase);
  const plan: PlanBody = {
    planId: planId ?? `${config.intersectionId}-${d.nowMs}`,
    cycleS,
    offsetS,
    splitsS: splitsRecord(config.phases, splitsS),
    validUntil: d.nowMs + config.planValidityS * 1000,
    reason: reasonSentence(explanation, notes, headline(d, config)),
    policy: d.policy,
    ...(omitPhases.length > 0 ? { omitPhases } : {}),
  };
  const check = checkPlanAgainstRules(d.full, plan);
  if (!check.ok) throw new Error(`timing engine made a plan the edge would reject (a bug): ${check.errors.join("; ")}`);
  return { plan, explanation };
}

function headline(d: Draft, config: IntersectionTiming): string {
  if (d.policy === "fixed") return "Webster fixed-time";
  if (d.policy === "webster") return "Webster";
  return config.maxPressureCycleS === undefined ? "Max-pressure (Webster cycle)" : "Max-pressure (fixed cycle)";
}
