/**
 * Payloads to line protocol. One measurement per payload kind; the timestamp is the payload's own
 * `ts` in ms, so a QoS 1 redelivery writes the same measurement, tags and time and overwrites
 * itself instead of adding a duplicate.
 */
import { Point, type PointSettings } from "@influxdata/influxdb-client";
import type { ControlMode, ControllerEvent, Measures, Plan, Signal, SignalState, Status } from "../../protocol/index.js";
import type { GreenTermination, PhaseGreen } from "./phase-greens.js";

export const MEASUREMENTS = {
  measures: "approach_measures",
  signal: "signal",
  plan: "plan",
  status: "agent_health",
  phaseGreen: "phase_green",
  hiRes: "hires_event",
} as const;

/** How a green ended, as its ATSPM event code (4 gap-out, 5 max-out, 6 force-off; 0 not logged). */
const TERMINATION_CODES: Readonly<Record<GreenTermination, number>> = { "gap-out": 4, "max-out": 5, "force-off": 6 };

/** Signal states as numbers, so numeric-only stores (VictoriaMetrics) keep them. Stable: never renumber. */
export const SIGNAL_STATE_CODES: Readonly<Record<SignalState, number>> = { DK: 0, R: 1, Y: 2, G: 3, FR: 4, FY: 5 };

/** Control modes as numbers. Stable: never renumber. */
export const CONTROL_MODE_CODES: Readonly<Record<ControlMode, number>> = { adaptive: 0, fallback: 1, manual: 2, flash: 3 };

export interface PointOptions {
  /**
   * Write text (plan id, reason, policy, version) as string fields. InfluxDB keeps them;
   * VictoriaMetrics turns every string field into a series of zeros, so turn this off there.
   */
  textFields: boolean;
}

const MS_PRECISION: Partial<PointSettings> = {
  convertTime: (value) => (typeof value === "number" ? String(Math.floor(value)) : undefined),
};

function line(point: Point): string[] {
  const text = point.toLineProtocol(MS_PRECISION);
  return text === undefined ? [] : [text];
}

function base(measurement: string, region: string, intersectionId: string, tsMs: number): Point {
  return new Point(measurement).tag("region", region).tag("intersection", intersectionId).timestamp(tsMs);
}

/** One line per approach: count, queue, occupancy, interval and the per-class counts present. */
export function measuresLines(region: string, measures: Measures): string[] {
  const out: string[] = [];
  for (const approach of measures.approaches) {
    const point = base(MEASUREMENTS.measures, region, measures.intersectionId, measures.ts)
      .tag("approach", approach.approachId)
      .intField("count", approach.count)
      .floatField("queue", approach.queue)
      .floatField("occupancy", approach.occupancy)
      .intField("interval_ms", measures.intervalMs);
    for (const [vehicleClass, count] of Object.entries(approach.countsByClass)) {
      if (count !== undefined) point.intField(`count_${vehicleClass}`, count);
    }
    out.push(...line(point));
  }
  return out;
}

/** Mode and each signal group's state as codes, the cycle second, and the plan id as text. */
export function signalLines(region: string, signal: Signal, options: PointOptions): string[] {
  const point = base(MEASUREMENTS.signal, region, signal.intersectionId, signal.ts).intField("mode", CONTROL_MODE_CODES[signal.mode]);
  if (signal.cycleSecond !== null) point.floatField("cycle_second", signal.cycleSecond);
  for (const [groupId, state] of Object.entries(signal.groups)) point.intField(`group_${groupId}`, SIGNAL_STATE_CODES[state]);
  if (options.textFields && signal.planId !== null) point.stringField("plan_id", signal.planId);
  return line(point);
}

/** Cycle, offset, the split of each phase, when the plan expires, and why it was chosen as text. */
export function planLines(region: string, plan: Plan, options: PointOptions): string[] {
  const point = base(MEASUREMENTS.plan, region, plan.intersectionId, plan.ts)
    .floatField("cycle_s", plan.cycleS)
    .floatField("offset_s", plan.offsetS)
    .intField("valid_until_ms", plan.validUntil);
  for (const [phase, splitS] of Object.entries(plan.splitsS)) point.floatField(`split_s_${phase}`, splitS);
  if (options.textFields) {
    point.stringField("plan_id", plan.planId).stringField("reason", plan.reason);
    if (plan.policy !== undefined) point.stringField("policy", plan.policy);
  }
  return line(point);
}

/** Online, camera health, inference rate and mode: what alarms and health panels need. */
export function statusLines(region: string, status: Status, options: PointOptions): string[] {
  const point = base(MEASUREMENTS.status, region, status.intersectionId, status.ts).booleanField("online", status.online);
  if (status.camera !== undefined) point.booleanField("camera_ok", status.camera.ok);
  if (status.inferenceFps !== undefined) point.floatField("inference_fps", status.inferenceFps);
  if (status.mode !== undefined) point.intField("mode", CONTROL_MODE_CODES[status.mode]);
  if (options.textFields) {
    if (status.version !== undefined) point.stringField("version", status.version);
    if (status.model !== undefined) point.stringField("model", status.model);
  }
  return line(point);
}

/** Each served green, stamped at its start, with its length and how it ended. */
export function phaseGreenLines(region: string, intersectionId: string, greens: readonly PhaseGreen[]): string[] {
  return greens.flatMap((g) =>
    line(
      base(MEASUREMENTS.phaseGreen, region, intersectionId, g.startMs)
        .tag("phase", String(g.phase))
        .floatField("green_s", (g.endMs - g.startMs) / 1000)
        .intField("termination", g.termination === null ? 0 : TERMINATION_CODES[g.termination]),
    ),
  );
}

/**
 * One point per hi-res event, at the device's ts, tagged with its code and param: events of one
 * code at the same millisecond (two phases' greens, two detectors) stay distinct, and a redelivered
 * event overwrites itself. ATSPM's import format is these four columns.
 */
export function hiResLines(region: string, intersectionId: string, events: readonly ControllerEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type !== "hires") continue;
    out.push(...line(base(MEASUREMENTS.hiRes, region, intersectionId, e.ts).tag("code", String(e.code)).tag("param", String(e.param)).intField("param", e.param)));
  }
  return out;
}
