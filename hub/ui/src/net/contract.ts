/**
 * The hub's REST and websocket contract (docs/api.md) as the dashboard reads it. Payload types come
 * from the protocol's zod schemas; `schemas.js`, not the protocol's index, because the index also
 * carries the Node-only MQTT codec.
 */
import type { CommandAction, ControlMode, ControllerEvent, Measures, Plan, PlanBody, Signal, SignalState, Status } from "../../../../protocol/schemas.js";

export type { CommandAction, ControlMode, ControllerEvent, Measures, Plan, PlanBody, Signal, SignalState, Status };

export type Role = "viewer" | "operator" | "admin";

export interface Me {
  name: string;
  role: Role;
}

export interface IntersectionSummary {
  intersectionId: string;
  region: string;
  name?: string;
  position: { xM: number; yM: number } | null;
  /** null: never heard. */
  online: boolean | null;
  mode: ControlMode | null;
  planId: string | null;
  cycleS: number | null;
  groups: Record<string, SignalState> | null;
  activePhases: number[];
  degreeOfSaturation: number | null;
  queueVeh: number | null;
  activeAlarms: number;
  lastSeenMs: number | null;
}

export interface PlanExplanation {
  [key: string]: unknown;
}

export interface PhaseTiming {
  phase: number;
  minGreenS: number;
  maxGreenS: number;
  yellowS: number;
  redClearanceS: number;
  approaches: { approachId: string; lanes: number }[];
}

/** Zones and counting lines of the camera, in image pixels (the edge's camera config). */
export interface CameraZones {
  width: number;
  height: number;
  approaches: {
    id: string;
    zones: { id: string; kind: string; polygon: [number, number][] }[];
    lines: { id: string; from: [number, number]; to: [number, number] }[];
  }[];
}

// The hub's own command record (types only), so the two cannot drift apart.
import type { TrackedCommand } from "../../../services/command-tracker.js";
export type { CommandState, TrackedCommand } from "../../../services/command-tracker.js";

// The hub's own alarm record (a dependency-free module), so the two cannot drift apart.
import type { AlarmRecord } from "../../../services/alarm-board.js";
export { ALARM_TYPES, type AlarmType, type AlarmRecord } from "../../../services/alarm-board.js";

export interface IntersectionDetail extends IntersectionSummary {
  signal: Signal | null;
  measures: Measures | null;
  status: Status | null;
  plan: Plan | null;
  planExplanation: PlanExplanation | null;
  planSource: "adaptive" | "override" | null;
  phases: PhaseTiming[];
  /** Whether the hub plans for it, and why not (no controller configuration yet, or settings that do not fit it). */
  planning: {
    state: "planning" | "no-controller-config" | "misfit" | "unplanned";
    reason: string | null;
    problems: string[];
    controllerConfigHash: string | null;
  };
  recentEvents: ControllerEvent[];
  alarms: AlarmRecord[];
  commands: TrackedCommand[];
  camera: { available: boolean; zones?: CameraZones };
}

export interface MeasurePoint {
  ts: number;
  approachId: string;
  count: number;
  queue: number;
  occupancy: number;
}

export interface History {
  measures: MeasurePoint[];
  signals: Signal[];
  events: ControllerEvent[];
}

export interface PlanRecord {
  plan: Plan;
  explanation: PlanExplanation | null;
  source: "adaptive" | "override";
}

/** Server → client messages on `/api/live`. */
export type LiveMessage =
  | { type: "hello"; role: Role; serverTimeMs: number }
  | { type: "snapshot"; intersections: IntersectionSummary[]; alarms: AlarmRecord[] }
  | { type: "update"; intersections: IntersectionSummary[]; alarms?: AlarmRecord[]; commands?: TrackedCommand[] }
  | { type: "detail"; intersection: IntersectionDetail }
  | { type: "lagging" };

/** Client → server messages. */
export type LiveRequest = { type: "resync" } | { type: "subscribe"; intersectionId: string | null };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Narrow a parsed frame to a live message by its shape. The hub validated everything it relays, so
 * this checks the envelope (type and the arrays a handler iterates), not every field: parsing 1,000
 * summaries with a schema four times a second would cost more than the rendering.
 */
export function asLiveMessage(value: unknown): LiveMessage | null {
  if (!isRecord(value) || typeof value.type !== "string") return null;
  switch (value.type) {
    case "hello":
      return typeof value.role === "string" ? (value as unknown as LiveMessage) : null;
    case "snapshot":
      return Array.isArray(value.intersections) && Array.isArray(value.alarms) ? (value as unknown as LiveMessage) : null;
    case "update":
      if (!Array.isArray(value.intersections)) return null;
      if (value.alarms !== undefined && !Array.isArray(value.alarms)) return null;
      if (value.commands !== undefined && !Array.isArray(value.commands)) return null;
      return value as unknown as LiveMessage;
    case "detail":
      return isRecord(value.intersection) && typeof value.intersection.intersectionId === "string" ? (value as unknown as LiveMessage) : null;
    case "lagging":
      return { type: "lagging" };
    default:
      return null;
  }
}

/** ATSPM measures (hub/atspm): the API's shapes, from the same zod schemas. */
export type { AtspmMeasures, CoordinationDiagram, SplitMonitor, PhaseTermination, ArrivalsOnGreen, SplitFailures, ApproachDelay } from "../../../atspm/schemas.js";

export interface PerformanceRange {
  intersectionId: string;
  fromMs: number;
  toMs: number;
  heldFromMs: number | null;
  heldToMs: number | null;
  detectorsConfigured: number;
}

export interface Performance extends PerformanceRange {
  measures: import("../../../atspm/schemas.js").AtspmMeasures;
}
