import { z } from "zod";
import { boundedRecord } from "./bounded-record.js";
import { ID_MAX_LENGTH, ID_PATTERN } from "./topics.js";
import { checkPhaseTiming, PhaseNumber, PhaseTimingFields } from "./phase-timing.js";

/**
 * Largest payload either side accepts; a bigger one is rejected before JSON parsing. Each kind has
 * its own, smaller bound derived from its schema (`wire-bounds.ts`).
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const ID_MESSAGE = "expected an id of letters, digits, _ - . (1–64 chars)";
// The length as a check of its own (not only inside the pattern) so the wire bounds can read it.
export const Id = z.string().max(ID_MAX_LENGTH, { message: ID_MESSAGE, abort: true }).regex(ID_PATTERN, ID_MESSAGE);

const TimestampMs = z.number().int().nonnegative().max(8.64e15);
const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Every payload says who sent it, when (ms since epoch) and its place in the sender's sequence. */
const Envelope = z.object({
  ts: TimestampMs,
  seq: Seq,
  intersectionId: Id,
});

export const VEHICLE_CLASSES = ["bicycle", "car", "motorcycle", "bus", "truck"] as const;
export const VehicleClass = z.enum(VEHICLE_CLASSES);
export type VehicleClass = z.infer<typeof VehicleClass>;

const Count = z.number().int().nonnegative().max(1_000_000);

export const CountsByClass = z.partialRecord(VehicleClass, Count);
export type CountsByClass = z.infer<typeof CountsByClass>;

export const ApproachMeasures = z.object({
  approachId: Id,
  /** Vehicles that crossed the approach's counting line(s) or loop(s) in the interval. */
  count: Count,
  countsByClass: CountsByClass.default({}),
  /** Vehicles queued (mean over the interval). */
  queue: z.number().nonnegative().max(10_000),
  /** Share of time (0–1) the approach's zones were occupied. */
  occupancy: z.number().min(0).max(1),
});
export type ApproachMeasures = z.infer<typeof ApproachMeasures>;

export const Measures = Envelope.extend({
  intervalMs: z.number().int().min(100).max(3_600_000),
  modelId: z.string().min(1).max(200),
  framesProcessed: Count,
  approaches: z.array(ApproachMeasures).min(1).max(32),
});
export type Measures = z.infer<typeof Measures>;

/** G green, Y yellow, R red, FY / FR flashing yellow / red, DK dark. */
export const SIGNAL_STATES = ["G", "Y", "R", "FY", "FR", "DK"] as const;
export const SignalState = z.enum(SIGNAL_STATES);
export type SignalState = z.infer<typeof SignalState>;

export const CONTROL_MODES = ["adaptive", "fallback", "manual", "flash"] as const;
export const ControlMode = z.enum(CONTROL_MODES);
export type ControlMode = z.infer<typeof ControlMode>;

export { PhaseNumber };
const PhaseKey = z.string().regex(/^([1-9]|1[0-6])$/, "expected a phase number 1–16");

export const Signal = Envelope.extend({
  mode: ControlMode,
  planId: z.string().min(1).max(100).nullable(),
  /** Seconds into the current cycle; null when not cycling (flash, manual hold). */
  cycleSecond: z.number().nonnegative().max(1000).nullable(),
  activePhases: z.array(PhaseNumber).max(16),
  /** State of every signal group, keyed by its id. */
  groups: boundedRecord(Id, SignalState, { min: 1, max: 64, message: "expected 1–64 signal groups" }),
});
export type Signal = z.infer<typeof Signal>;

/** Indiana hi-resolution controller event codes the project emits (ATSPM reads them). */
export const HIRES = {
  phaseBeginGreen: 1,
  phaseGapOut: 4,
  phaseMaxOut: 5,
  phaseForceOff: 6,
  phaseBeginYellow: 8,
  phaseEndYellow: 9,
  phaseBeginRedClearance: 10,
  phaseEndRedClearance: 11,
  pedBeginWalk: 21,
  pedBeginClearance: 22,
  /** A pedestrian push-button call registered on a phase (param: phase). */
  pedCallRegistered: 45,
  detectorOff: 81,
  detectorOn: 82,
  patternChange: 131,
  cycleLengthChange: 132,
  splitChangeFirst: 134,
  splitChangeLast: 149,
} as const;

export const HiResEvent = z.object({
  type: z.literal("hires"),
  ts: TimestampMs,
  code: z.number().int().min(0).max(255),
  param: z.number().int().min(0).max(65_535),
});

export const CommandAck = z.object({
  type: z.literal("ack"),
  ts: TimestampMs,
  commandId: Id,
  result: z.enum(["accepted", "rejected", "completed"]),
  reason: z.string().max(500).optional(),
});
export type CommandAck = z.infer<typeof CommandAck>;

export const ALARM_KINDS = ["conflict-flash", "plan-rejected", "fallback", "camera", "fault-cleared", "outbox-drop"] as const;
export const Alarm = z.object({
  type: z.literal("alarm"),
  ts: TimestampMs,
  alarm: z.enum(ALARM_KINDS),
  message: z.string().max(1000),
  planId: z.string().max(100).optional(),
});
export type Alarm = z.infer<typeof Alarm>;

export const ControllerEvent = z.discriminatedUnion("type", [HiResEvent, CommandAck, Alarm]);
export type ControllerEvent = z.infer<typeof ControllerEvent>;

export const Events = Envelope.extend({
  events: z.array(ControllerEvent).min(1).max(1000),
});
export type Events = z.infer<typeof Events>;

export const Status = Envelope.extend({
  online: z.boolean(),
  version: z.string().max(50).optional(),
  mode: ControlMode.optional(),
  camera: z
    .object({
      ok: z.boolean(),
      message: z.string().max(500).optional(),
      lastFrameTs: TimestampMs.nullable().optional(),
      /** Frames per second the camera delivers to the model. */
      fps: z.number().nonnegative().max(1000).optional(),
      /** Decoder error lines (ffmpeg cameras) and frames dropped for a busy model, since the agent started. */
      decoderErrors: z.number().int().nonnegative().optional(),
      framesDropped: z.number().int().nonnegative().optional(),
    })
    .optional(),
  inferenceFps: z.number().nonnegative().max(10_000).optional(),
  model: z.string().max(200).optional(),
  lastPlanApplied: z.string().max(100).nullable().optional(),
});
export type Status = z.infer<typeof Status>;

/**
 * A timing plan. `splitsS` are NEMA splits: each phase's green plus its yellow and red clearance,
 * so the splits of one ring add up to `cycleS`.
 */
const PlanFields = z.object({
  planId: z.string().min(1).max(100),
  cycleS: z.number().min(20).max(300),
  offsetS: z.number().nonnegative().max(300),
  // At most 16 entries: there are 16 phase keys.
  splitsS: boundedRecord(PhaseKey, z.number().positive().max(300), { min: 1, max: 16, message: "expected at least one phase split" }),
  validUntil: TimestampMs,
  reason: z.string().min(1).max(1000),
  policy: z.enum(["webster", "max-pressure", "fixed", "manual"]).optional(),
  /**
   * Phases left out of every cycle of this plan (they get no split). Only a phase the controller
   * is configured to omit may be: one whose movements another phase also serves (a protected left
   * whose turns run permissive with the through traffic).
   */
  omitPhases: z.array(PhaseNumber).max(16).optional(),
});
const offsetWithinCycle = (p: { offsetS: number; cycleS: number }): boolean => p.offsetS < p.cycleS;
const offsetError = { message: "offsetS must be less than cycleS", path: ["offsetS"] };

export const PlanBody = PlanFields.refine(offsetWithinCycle, offsetError);
export type PlanBody = z.infer<typeof PlanBody>;

// One flat object rather than z.intersection(Envelope, PlanBody): same result, without the
// intersection's deep merge of both parses (the hub encodes every plan it publishes).
export const Plan = Envelope.extend(PlanFields.shape)
  .refine(offsetWithinCycle, offsetError)
  .refine((p) => p.validUntil > p.ts, { message: "validUntil must be after ts", path: ["validUntil"] });
export type Plan = z.infer<typeof Plan>;

export const CommandAction = z.discriminatedUnion("action", [
  z.object({ action: z.literal("hold"), phase: PhaseNumber, durationS: z.number().positive().max(3600).optional() }),
  z.object({ action: z.literal("flash") }),
  z.object({ action: z.literal("resume") }),
  z.object({ action: z.literal("clear-fault") }),
  z.object({ action: z.literal("set-plan"), plan: PlanBody }),
  /** Ask the agent for a camera snapshot now (answered on `…/snapshot`, acked on `…/events`). */
  z.object({ action: z.literal("snapshot") }),
  /**
   * Replace the agent's camera configuration (approaches, zones, counting lines), as drawn in the
   * dashboard by an admin. The agent checks it with its own camera schema (edge/inference
   * `CameraConfig`), applies it without a restart, keeps it in its state folder, and acks.
   */
  z.object({ action: z.literal("set-camera"), camera: z.record(z.string(), z.unknown()) }),
]);
export type CommandAction = z.infer<typeof CommandAction>;

export const Command = Envelope.extend({
  commandId: Id,
  issuedBy: z.string().min(1).max(100),
  command: CommandAction,
});
export type Command = z.infer<typeof Command>;

const Point = z.tuple([z.number().min(-100_000).max(100_000), z.number().min(-100_000).max(100_000)]);

/**
 * Zones and counting lines as the operator sees them over a snapshot, in camera-configuration
 * pixels. The agent sends its whole camera configuration: the fields named here are the ones the
 * dashboard draws; the others (capacities, lanes, count directions…) are kept as they come, so the
 * zone editor can send the configuration back whole (the agent checks it with its own schema).
 */
export const SnapshotGeometry = z.looseObject({
  width: z.number().int().positive().max(16_384),
  height: z.number().int().positive().max(16_384),
  approaches: z
    .array(
      z.looseObject({
        id: Id,
        zones: z.array(z.looseObject({ id: Id, kind: z.string().max(20), polygon: z.array(Point).min(3).max(64) })).max(32),
        lines: z.array(z.looseObject({ id: Id, from: Point, to: Point })).max(16).default([]),
      }),
    )
    .max(16),
});
export type SnapshotGeometry = z.infer<typeof SnapshotGeometry>;

/** Base64 JPEG bytes in a snapshot: kept well under MAX_PAYLOAD_BYTES with the rest of the message. */
export const MAX_SNAPSHOT_JPEG_BASE64 = 56 * 1024;

/**
 * What the agent's camera sees, for the operator: a downscaled JPEG (detections already drawn in),
 * the zones and lines to draw over it, and the detections as data. Sent on request (command
 * `snapshot`) and at a low periodic rate; QoS 0, never through the outbox.
 */
export const Snapshot = Envelope.extend({
  reason: z.enum(["periodic", "requested"]),
  /** `ts` of the frame. */
  frameTs: TimestampMs,
  jpegBase64: z
    .string()
    .min(4)
    .max(MAX_SNAPSHOT_JPEG_BASE64)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "expected base64"),
  geometry: SnapshotGeometry,
  detections: z
    .array(
      z.object({
        className: z.string().max(40),
        score: z.number().min(0).max(1),
        box: z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }),
      }),
    )
    .max(200),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** One approach a phase serves: its lanes, and the share (0–1) of the approach's measured flow the phase carries. */
export const PhaseApproach = z.object({
  approachId: Id,
  /** Lanes the phase's movement uses on this approach; fractions allow a shared lane. */
  lanes: z.number().positive().max(16),
  /** Share of the approach's measured flow this phase serves (a through phase of a shared approach, say). */
  share: z.number().min(0).max(1),
});
export type PhaseApproach = z.infer<typeof PhaseApproach>;

/** One phase as the controller runs it: its timing, whether a plan may omit it, and what it serves. */
export const ControllerPhase = z
  .object({
    ...PhaseTimingFields,
    /** A hub plan may leave it out (`omitPhases`): another phase serves every one of its movements. */
    omittable: z.boolean(),
    /** Empty for a phase with no measured approach (a pedestrian-only phase). */
    approaches: z.array(PhaseApproach).max(16),
  })
  .strict()
  .superRefine(checkPhaseTiming);
export type ControllerPhase = z.infer<typeof ControllerPhase>;

/**
 * What a hub must know of a controller to plan for it: the phases in running order (single ring)
 * and how it runs hub plans. The controller owns these; the hub plans against the latest it heard.
 */
export const ControllerTiming = z
  .object({
    phases: z.array(ControllerPhase).min(1).max(16),
    /** The phase hub plans are coordinated around (it ends at its force-off; offsets hold), or null: fixed-time. */
    coordinatedPhase: PhaseNumber.nullable(),
    planOperation: z.enum(["coordinated", "actuated"]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<number>();
    c.phases.forEach((p, i) => {
      if (seen.has(p.phase)) ctx.addIssue({ code: "custom", path: ["phases", i, "phase"], message: `phase ${p.phase} appears twice in the sequence` });
      seen.add(p.phase);
    });
    if (c.phases.every((p) => p.omittable)) ctx.addIssue({ code: "custom", path: ["phases"], message: "at least one phase must not be omittable" });
    if (c.coordinatedPhase !== null && !seen.has(c.coordinatedPhase)) {
      ctx.addIssue({ code: "custom", path: ["coordinatedPhase"], message: `coordinated phase ${c.coordinatedPhase} is not in the sequence` });
    }
  });
export type ControllerTiming = z.infer<typeof ControllerTiming>;

/** Format of `…/config` messages; a receiver refuses others. */
export const CONTROLLER_CONFIG_VERSION = 1;

/**
 * `…/config`: the controller's timing as it runs it, retained, republished on every connect and
 * whenever it changes. `hash` is the SHA-256 of the canonical JSON of `{ version, controller }`
 * (see config-hash.ts): equal hashes, same timing; a receiver checks it before trusting the content.
 */
export const ControllerConfigMessage = Envelope.extend({
  version: z.literal(CONTROLLER_CONFIG_VERSION),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "expected a SHA-256 in 64 lowercase hex digits"),
  controller: ControllerTiming,
});
export type ControllerConfigMessage = z.infer<typeof ControllerConfigMessage>;

export const PAYLOAD_SCHEMAS = {
  measures: Measures,
  signal: Signal,
  events: Events,
  status: Status,
  plan: Plan,
  command: Command,
  snapshot: Snapshot,
  config: ControllerConfigMessage,
} as const;

export interface PayloadByKind {
  measures: Measures;
  signal: Signal;
  events: Events;
  status: Status;
  plan: Plan;
  command: Command;
  snapshot: Snapshot;
  config: ControllerConfigMessage;
}
