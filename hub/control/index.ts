export {
  IntersectionTiming,
  TimingPhase,
  PhaseApproach,
  CorridorMembership,
  Smoothing,
  HubTiming,
  PermissiveLeft,
  DownstreamLink,
  parseIntersectionTiming,
  parseHubTiming,
  timingFromController,
  type IntersectionTimingInput,
  type HubTimingInput,
  type TimingFit,
} from "./config.js";
export {
  emptyDemand,
  updateDemand,
  foldDemand,
  demandFromWindow,
  uniformDemand,
  phaseDemands,
  flowVehPerHour,
  unmeasuredApproaches,
  DEFAULT_DEMAND_TIME_CONSTANT_MS,
  type DemandState,
  type MutableDemandState,
  type ApproachDemand,
  type DemandOptions,
  type PhaseDemand,
} from "./demand.js";
export { websterCycleS, websterTarget, boundedCycle, queueConsistentCycleS, type WebsterTarget } from "./webster.js";
export { phasePressures, type PhasePressure } from "./max-pressure.js";
export { smoothTowards, smoothingBase, type Smoothed, type SmoothedFrom } from "./smoothing.js";
export { travelTimesS, mainPhaseStartS, progressionOffsetS, type CorridorMember } from "./corridor.js";
export { allocateGreens, roundSplits, wholeCycleS, splitsForCycle, lostTimeS } from "./splits.js";
export { checkPlanAgainstRules, type RuleCheck } from "./check.js";
export { computePlan, computeCorridorPlans, websterFixedPlan, type ComputePlanInput, type PlanResult } from "./engine.js";
export type { PlanExplanation, CorridorExplanation } from "./explanation.js";
