/**
 * Shapes the API answers with, shared by several resources. Each route's own request schemas sit
 * beside it in routes/; these become the OpenAPI document's response schemas.
 */
import { z } from "zod";
import { CommandAction, CONTROL_MODES, ControllerEvent, Measures, Plan, Signal, SIGNAL_STATES, Status } from "../../protocol/index.js";
import { ROLES } from "../services/actor.js";
import { ALARM_TYPES } from "../services/alarm-board.js";

export { AuditEntry } from "../services/audit-log.js";

/** Every 4xx/5xx body. `details` names each bad field or rule, one line each. */
export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.string()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const PlanSource = z.enum(["adaptive", "override"]);
export type PlanSource = z.infer<typeof PlanSource>;

export const IntersectionSummary = z.object({
  intersectionId: z.string(),
  region: z.string(),
  name: z.string().optional(),
  position: z.object({ xM: z.number(), yM: z.number() }).nullable(),
  /** null: never heard. */
  online: z.boolean().nullable(),
  mode: z.enum(CONTROL_MODES).nullable(),
  planId: z.string().nullable(),
  cycleS: z.number().nullable(),
  /** Live signal heads by group id. */
  groups: z.record(z.string(), z.enum(SIGNAL_STATES)).nullable(),
  activePhases: z.array(z.number()),
  /** Max over approaches of flow / capacity (occupancy when the plan or timing is unknown). */
  degreeOfSaturation: z.number().nullable(),
  queueVeh: z.number().nullable(),
  activeAlarms: z.number().int(),
  lastSeenMs: z.number().nullable(),
  /** The edge's own timestamp of the signal state shown, and where in its cycle it was. */
  signalTs: z.number().nullable(),
  cycleSecond: z.number().nullable(),
});
export type IntersectionSummary = z.infer<typeof IntersectionSummary>;

export const AlarmRecord = z.object({
  id: z.string(),
  type: z.enum(ALARM_TYPES),
  intersectionId: z.string().nullable(),
  message: z.string(),
  /** First seen. */
  raisedAtMs: z.number(),
  /** Latest occurrence folded into this record. */
  lastSeenMs: z.number(),
  /** Occurrences folded into this record (a repeating alarm grows this, not the board). */
  count: z.number().int().min(1),
  active: z.boolean(),
  clearedAtMs: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAtMs: z.number().nullable(),
});
export type AlarmRecord = z.infer<typeof AlarmRecord>;

export const TrackedCommand = z.object({
  commandId: z.string(),
  intersectionId: z.string(),
  action: CommandAction,
  issuedBy: z.string(),
  sentAtMs: z.number(),
  state: z.enum(["sent", "accepted", "rejected", "completed", "unanswered"]),
  reason: z.string().optional(),
  updatedAtMs: z.number(),
});
export type TrackedCommand = z.infer<typeof TrackedCommand>;

const NumberByPhase = z.record(z.string(), z.number());

/** Mirrors hub/control's PlanExplanation, so the dashboard can show why a plan was chosen. */
export const PlanExplanation = z.object({
  policy: z.enum(["webster", "max-pressure", "fixed"]),
  Y: z.number(),
  flowY: z.number(),
  L: z.number(),
  C0: z.number().nullable(),
  cycleS: z.number(),
  offsetS: z.number(),
  greens: NumberByPhase,
  criticalRatios: NumberByPhase,
  pressures: NumberByPhase.nullable(),
  oversaturated: z.boolean(),
  boundedBy: z.enum(["min-cycle", "max-cycle"]).nullable(),
  smoothed: z.object({ fromCycleS: z.number(), targetCycleS: z.number(), cycleLimited: z.boolean(), weight: z.number() }).nullable(),
  corridor: z
    .object({
      id: z.string(),
      coordinated: z.boolean(),
      commonCycleS: z.number(),
      travelS: z.number(),
      mainPhase: z.number(),
      mainPhaseStartS: z.number(),
    })
    .nullable(),
  unmeasuredApproaches: z.array(z.string()),
  omissions: z.array(z.object({ phase: z.number(), omitted: z.boolean(), crossProduct: z.number(), limit: z.number() })),
});

export const PlanRecord = z.object({ plan: Plan, explanation: PlanExplanation.nullable(), source: PlanSource });
export type PlanRecord = z.infer<typeof PlanRecord>;

/** A phase as the timing configuration has it, for the detail view. */
export const DetailPhase = z.object({
  phase: z.number(),
  minGreenS: z.number(),
  maxGreenS: z.number(),
  yellowS: z.number(),
  redClearanceS: z.number(),
  approaches: z.array(z.object({ approachId: z.string(), lanes: z.number() })),
});
export type DetailPhase = z.infer<typeof DetailPhase>;

/**
 * Whether the hub plans for the intersection, and why not: `no-controller-config` (its controller
 * has not published its timing on `…/config` yet), `misfit` (the hub's settings do not fit the
 * controller's timing; `problems` names each), `unplanned` (not in the hub's configuration).
 */
export const PlanningState = z.object({
  state: z.enum(["planning", "no-controller-config", "misfit", "unplanned"]),
  /** One line for the operator; null while planning. */
  reason: z.string().nullable(),
  problems: z.array(z.string()),
  /** Hash of the controller configuration planned against (or refused), null before one arrived. */
  controllerConfigHash: z.string().nullable(),
});
export type PlanningState = z.infer<typeof PlanningState>;

export const IntersectionDetail = IntersectionSummary.extend({
  signal: Signal.nullable(),
  measures: Measures.nullable(),
  status: Status.nullable(),
  plan: Plan.nullable(),
  planExplanation: PlanExplanation.nullable(),
  planSource: PlanSource.nullable(),
  /** The controller's phases as the hub plans with them (from its `…/config`); empty without one. */
  phases: z.array(DetailPhase),
  planning: PlanningState,
  recentEvents: z.array(ControllerEvent),
  alarms: z.array(AlarmRecord),
  commands: z.array(TrackedCommand),
  /** `zones`: the camera configuration (approaches, zones, lines) to draw over the frame. */
  camera: z.object({ available: z.boolean(), zones: z.unknown().optional() }),
});
export type IntersectionDetail = z.infer<typeof IntersectionDetail>;

export const Me = z.object({ name: z.string(), role: z.enum(ROLES) });

/** `:id` in every per-intersection route. */
export const IntersectionParams = z.object({ id: z.string().min(1).max(64) });
