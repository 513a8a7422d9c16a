export {
  IntersectionTiming,
  TimingPhase,
  PhaseApproach,
  CorridorMembership,
  Smoothing,
  parseIntersectionTiming,
  type IntersectionTimingInput,
} from "./config.js";
export {
  emptyDemand,
  updateDemand,
  demandFromWindow,
  uniformDemand,
  phaseDemands,
  flowVehPerHour,
  unmeasuredApproaches,
  DEFAULT_DEMAND_TIME_CONSTANT_MS,
  type DemandState,
  type ApproachDemand,
  type DemandOptions,
  type PhaseDemand,
} from "./demand.js";
export { websterCycleS, websterTarget, boundedCycle, queueConsistentCycleS, type WebsterTarget } from "./webster.js";
export { phasePressures, type PhasePressure } from "./max-pressure.js";
export { smoothTowards, smoothingBase, type Smoothed, type SmoothedFrom } from "./smoothing.js";
export { travelTimesS, mainPhaseStartS, progressionOffsetS, type CorridorMember } from "./corridor.js";
export { allocateGreens, roundSplits, wholeCycleS, splitsForCycle, lostTimeS } from "./splits.js";
export { effectiveMinGreenS, minSplitS, maxSplitS, cycleRangeS, type PhaseLimits } from "./phase-limits.js";
export { checkPlanAgainstRules, CYCLE_TOLERANCE_S, type RuleCheck } from "./check.js";
export { computePlan, computeCorridorPlans, websterFixedPlan, type ComputePlanInput, type PlanResult } from "./engine.js";
export type { PlanExplanation, CorridorExplanation } from "./explanation.js";
