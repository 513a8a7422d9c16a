/**
 * The API's contract: every shape it answers with (the OpenAPI document's response schemas), the
 * bodies a client sends that are not the protocol's, and the live stream's messages both ways.
 * The hub's routes and the dashboard (hub/ui) both import it, so the two cannot drift: no Node
 * imports here, nor in anything it imports (the protocol's schemas, not its index, which carries
 * the Node-only MQTT codec). Query and path schemas sit beside their routes.
 */
import { z } from "zod";
import { CommandAction, CONTROL_MODES, ControllerEvent, Id, Measures, Plan, PlanBody, Signal, SIGNAL_STATES, Status } from "../../protocol/schemas.js";
import { AtspmMeasures } from "../atspm/schemas.js";
import { ROLES } from "../services/actor.js";
import { ALARM_TYPES } from "../services/alarm-board.js";

export { ROLES, Role, type Actor } from "../services/actor.js";
export { ALARM_TYPES, type AlarmType } from "../services/alarm-board.js";

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
  /** null for hub-wide alarms (the time-series server). */
  intersectionId: z.string().nullable(),
  /** The latest occurrence's words. */
  message: z.string(),
  /** First seen. */
  raisedAtMs: z.number(),
  /** Latest occurrence folded into this record. */
  lastSeenMs: z.number(),
  /** Occurrences folded into this record (a repeating alarm grows this, not the board). */
  count: z.number().int().min(1),
  /** Still true of the street; a cleared alarm stays listed until acknowledged. */
  active: z.boolean(),
  clearedAtMs: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAtMs: z.number().nullable(),
});
export type AlarmRecord = z.infer<typeof AlarmRecord>;

export const COMMAND_STATES = ["sent", "accepted", "rejected", "completed", "unanswered"] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

export const TrackedCommand = z.object({
  commandId: z.string(),
  intersectionId: z.string(),
  action: CommandAction,
  issuedBy: z.string(),
  sentAtMs: z.number(),
  state: z.enum(COMMAND_STATES),
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
  cycleY: z.number(),
  L: z.number(),
  C0: z.number().nullable(),
  cycleS: z.number(),
  offsetS: z.number(),
  greens: NumberByPhase,
  criticalRatios: NumberByPhase,
  pressures: NumberByPhase.nullable(),
  oversaturated: z.boolean(),
  boundedBy: z.enum(["min-cycle", "max-cycle"]).nullable(),
  smoothed: z.object({ fromCycleS: z.number(), targetCycleS: z.number(), cycleLimited: z.boolean(), cycleHeld: z.boolean(), weight: z.number() }).nullable(),
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
export type Me = z.infer<typeof Me>;

export const AuditEntry = z.object({
  ts: z.number().int(),
  actor: z.string(),
  role: z.enum(ROLES),
  action: z.string(),
  intersectionId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).default({}),
  result: z.enum(["ok", "refused", "failed"]),
  reason: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One approach's measures in an intersection's history. */
export const MeasurePoint = z.object({ ts: z.number(), approachId: z.string(), intervalMs: z.number(), count: z.number(), queue: z.number(), occupancy: z.number() });
export type MeasurePoint = z.infer<typeof MeasurePoint>;

export const History = z.object({
  measures: z.array(MeasurePoint),
  signals: z.array(Signal),
  events: z.array(ControllerEvent),
});
export type History = z.infer<typeof History>;

export const PerformanceRange = z.object({
  intersectionId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  /** The span of events the hub holds for the intersection (older ones have aged out); null when none. */
  heldFromMs: z.number().nullable(),
  heldToMs: z.number().nullable(),
  /** Detector channels configured for the measures (`atspm.detectors` in the hub's configuration). */
  detectorsConfigured: z.number().int(),
});
export type PerformanceRange = z.infer<typeof PerformanceRange>;

export const Performance = PerformanceRange.extend({ measures: AtspmMeasures });
export type Performance = z.infer<typeof Performance>;

export const Health = z.object({
  /** `degraded`: the hub's own broker connection is down. */
  status: z.enum(["ok", "degraded"]),
  broker: z.object({ connected: z.boolean() }),
  timeSeries: z.object({ configured: z.boolean(), reachable: z.boolean().nullable(), bufferedLines: z.number() }),
});

/** An operator's override: `PlanBody` less `validUntil`, plus how long it holds. */
export const PlanOverrideBody = z
  .object({
    planId: PlanBody.shape.planId,
    cycleS: PlanBody.shape.cycleS,
    offsetS: PlanBody.shape.offsetS,
    splitsS: PlanBody.shape.splitsS,
    reason: PlanBody.shape.reason.optional(),
    policy: PlanBody.shape.policy,
    omitPhases: PlanBody.shape.omitPhases,
    durationS: z.number().positive().max(86_400),
  })
  .refine((p) => p.offsetS < p.cycleS, { message: "offsetS must be less than cycleS", path: ["offsetS"] });
export type PlanOverrideBody = z.infer<typeof PlanOverrideBody>;

/** The plan an accepted override published. */
export const PlanOverrideResult = z.object({ plan: Plan });

/** What a live client may send. */
export const LiveClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resync") }),
  z.object({ type: z.literal("subscribe"), intersectionId: Id.nullable() }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

/** What the live stream sends: hello and snapshot on connect, then coalesced updates (docs/api.md). */
export const LiveServerMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), role: z.enum(ROLES), serverTimeMs: z.number() }),
  z.object({ type: z.literal("snapshot"), intersections: z.array(IntersectionSummary), alarms: z.array(AlarmRecord) }),
  z.object({ type: z.literal("update"), intersections: z.array(IntersectionSummary), alarms: z.array(AlarmRecord).optional(), commands: z.array(TrackedCommand).optional() }),
  z.object({ type: z.literal("detail"), intersection: IntersectionDetail }),
  /** The client fell behind; it gets a fresh snapshot when it catches up. */
  z.object({ type: z.literal("lagging") }),
  /** A request the hub could not serve (a bad message, an unknown intersection). */
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;

/** `:id` in every per-intersection route. */
export const IntersectionParams = z.object({ id: z.string().min(1).max(64) });
