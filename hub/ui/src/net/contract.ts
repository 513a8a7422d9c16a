/**
 * The hub's REST and websocket contract (docs/api.md) as the dashboard reads it: the API's own zod
 * schemas (hub/api/contract.ts, which has no Node imports), so the types and the checks here are
 * the server's and cannot drift from them. Payload types come from the protocol's schemas.
 */
import type { z } from "zod";
import { LiveServerMessage } from "../../../api/contract.js";
import type { CameraConfig } from "../../../../protocol/camera-config.js";

export type { CommandAction, ControlMode, ControllerEvent, Measures, Plan, PlanBody, Signal, SignalState, Status } from "../../../../protocol/schemas.js";
export {
  ALARM_TYPES,
  AlarmRecord,
  AuditEntry,
  History,
  IntersectionDetail,
  IntersectionSummary,
  Me,
  MeasurePoint,
  Performance,
  PerformanceRange,
  PlanOverrideBody,
  PlanOverrideResult,
  PlanRecord,
  TrackedCommand,
  type AlarmType,
  type CommandState,
  type LiveClientMessage as LiveRequest,
  type LiveServerMessage as LiveMessage,
  type Role,
} from "../../../api/contract.js";
import type { IntersectionDetail } from "../../../api/contract.js";

/** Why a plan was chosen (the hub's planner's explanation). */
export type PlanExplanation = NonNullable<IntersectionDetail["planExplanation"]>;
/** A phase as the intersection's timing has it. */
export type PhaseTiming = IntersectionDetail["phases"][number];

/** Zones and counting lines of the camera, in image pixels: the edge's camera configuration (the API checks a save against it). */
export type CameraZones = CameraConfig;

/** ATSPM measures (hub/atspm): the API's shapes, from the same zod schemas. */
export type { AtspmMeasures, CoordinationDiagram, SplitMonitor, PhaseTermination, ArrivalsOnGreen, SplitFailures, ApproachDelay } from "../../../atspm/schemas.js";

/** A parsed frame from `/api/live`, checked against the API's schema; null for anything else (it is dropped). */
export function asLiveMessage(value: unknown): z.infer<typeof LiveServerMessage> | null {
  const result = LiveServerMessage.safeParse(value);
  return result.success ? result.data : null;
}
