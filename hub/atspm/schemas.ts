/**
 * The measures' shapes as zod schemas: the one definition the functions, the API's responses and
 * the dashboard share. Times are device-clock ms since the epoch; durations are in seconds.
 */
import { z } from "zod";

const Group = { phase: z.number().int(), approachId: z.string().nullable() };
const Ms = z.array(z.number());

export const PhaseTermination = z.object({
  phase: z.number().int(),
  gapOut: z.number().int(),
  maxOut: z.number().int(),
  forceOff: z.number().int(),
  /** Greens ended with no 4/5/6 logged (a hold released, flash). */
  unknown: z.number().int(),
  /** Per green: when it ended (begin yellow) and the code, 4, 5, 6 or 0. */
  endsMs: Ms,
  codes: z.array(z.number().int()),
});
export type PhaseTermination = z.infer<typeof PhaseTermination>;

export const SplitMonitor = z.object({
  phase: z.number().int(),
  greenStartMs: Ms,
  /** Begin green to the end of red clearance. */
  splitS: z.array(z.number()),
  greenS: z.array(z.number()),
  /** From events 134–149; null where none was logged yet. */
  programmedSplitS: z.array(z.number().nullable()),
  termination: z.array(z.number().int()),
  averageSplitS: z.number(),
  p50SplitS: z.number(),
  p85SplitS: z.number(),
});
export type SplitMonitor = z.infer<typeof SplitMonitor>;

export const ApproachVolume = z.object({
  phase: z.number().int(),
  detectorKind: z.enum(["stop-bar", "advance"]),
  binStartMs: Ms,
  counts: z.array(z.number().int()),
  flowVehPerHour: z.array(z.number()),
  total: z.number().int(),
});
export type ApproachVolume = z.infer<typeof ApproachVolume>;

export const ArrivalsOnGreen = z.object({
  ...Group,
  arrivals: z.number().int(),
  onGreen: z.number().int(),
  onYellow: z.number().int(),
  onRed: z.number().int(),
  /** Share of arrivals on green, 0–100. */
  percentOnGreen: z.number(),
  /** Total green over total cycle time of the cycles counted (g/C). */
  greenToCycle: z.number(),
  /** percentOnGreen / 100 over g/C: above 1 a platoon arrives on green, below 1 on red. */
  platoonRatio: z.number(),
});
export type ArrivalsOnGreen = z.infer<typeof ArrivalsOnGreen>;

export const ApproachDelay = z.object({
  ...Group,
  arrivals: z.number().int(),
  arrivalsOnRed: z.number().int(),
  totalDelayS: z.number(),
  /** Over every arrival (ATSPM's "approach delay per vehicle"). */
  delayPerVehicleS: z.number(),
});
export type ApproachDelay = z.infer<typeof ApproachDelay>;

export const CoordinationDiagram = z.object({
  ...Group,
  cycleStartMs: Ms,
  /** Seconds from cycle start (the previous end of yellow) to begin green, begin yellow, and the cycle's end. */
  greenS: z.array(z.number()),
  yellowS: z.array(z.number()),
  cycleS: z.array(z.number()),
  arrivalMs: Ms,
  /** Each arrival's second in its cycle. */
  arrivalSecondInCycle: z.array(z.number()),
});
export type CoordinationDiagram = z.infer<typeof CoordinationDiagram>;

export const SplitFailures = z.object({
  ...Group,
  greenStartMs: Ms,
  greenOccupancy: z.array(z.number()),
  redOccupancy: z.array(z.number()),
  failed: z.array(z.boolean()),
  cycles: z.number().int(),
  failures: z.number().int(),
  /** 0–100. */
  percentFailed: z.number(),
});
export type SplitFailures = z.infer<typeof SplitFailures>;

export const RedYellowActuations = z.object({
  ...Group,
  onYellow: z.number().int(),
  onRedClearance: z.number().int(),
  onRed: z.number().int(),
  actuationMs: Ms,
  /** Seconds since the end of yellow; negative during the yellow. */
  secondsSinceRed: z.array(z.number()),
});
export type RedYellowActuations = z.infer<typeof RedYellowActuations>;

export const PedestrianDelay = z.object({
  phase: z.number().int(),
  walkMs: Ms,
  delayS: z.array(z.number()),
  averageDelayS: z.number(),
  maxDelayS: z.number(),
});
export type PedestrianDelay = z.infer<typeof PedestrianDelay>;

export const AtspmMeasures = z.object({
  events: z.number().int(),
  phaseTermination: z.array(PhaseTermination),
  splitMonitor: z.array(SplitMonitor),
  approachVolume: z.array(ApproachVolume),
  arrivalsOnGreen: z.array(ArrivalsOnGreen),
  coordinationDiagram: z.array(CoordinationDiagram),
  splitFailures: z.array(SplitFailures),
  redYellowActuations: z.array(RedYellowActuations),
  approachDelay: z.array(ApproachDelay),
  pedestrianDelay: z.array(PedestrianDelay),
});
export type AtspmMeasures = z.infer<typeof AtspmMeasures>;
