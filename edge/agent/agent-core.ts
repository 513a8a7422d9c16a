import { HIRES, type Command, type ControllerEvent, type Plan } from "../../protocol/index.js";
import type { FrameReport, IntervalMeasures } from "../inference/index.js";
import { ControllerCore, PersistedState, readingOf, type ClockReading, type ControllerSignal, type ControllerTime } from "./controller/index.js";

/** Where the agent's messages go: the MQTT link in the field, memory in a simulation. */
export interface AgentPublisher {
  publishMeasures(measures: { ts: number; modelId: string } & IntervalMeasures): unknown;
  publishSignal(signal: { ts: number } & ControllerSignal): unknown;
  publishEvents(events: { ts: number; events: ControllerEvent[] }): unknown;
}

export interface AgentCoreOptions {
  intersectionId: string;
  controller: ControllerCore;
  /** Closes a measures interval (the vehicle counter's aggregator). */
  flushMeasures: (nowMs: number) => IntervalMeasures;
  modelId: string;
  measuresIntervalMs: number;
  publisher: AgentPublisher;
  /** Zone ids, in camera-config order: a zone's detector number (hi-res param) is its index + 1… */
  zoneIds: readonly string[];
  /** …unless the camera config gives it a channel (`detectorChannelsOf`). */
  zoneChannels?: ReadonlyMap<string, number>;
  /** Called when the controller's persisted state (latched fault, operator flash, last plan) changes. */
  persist?: (snapshot: PersistedState) => void;
  /** Start time: a reading of both clocks, or one number where they are the same (simulated time). */
  startMs: ControllerTime;
  /**
   * The field agent's clocks, read when a detector call reaches the controller (its gap timing is
   * monotonic). Without it, detector calls are timed at the frame's own time (simulated time).
   */
  clock?: () => ClockReading;
}

function isDetectorEvent(e: ControllerEvent): boolean {
  return e.type === "hires" && (e.code === HIRES.detectorOn || e.code === HIRES.detectorOff);
}

/**
 * The agent's coordination, with no timers and no I/O of its own: frame reports become detector
 * calls and events, ticks advance the controller and close measures intervals, plans and commands
 * from the hub go to the controller. The field agent drives it from timers and a camera; the
 * closed-loop simulation drives it from simulated time. Both run exactly this code.
 */
export class AgentCore {
  private nextMeasuresMs: number;
  private pendingEvents: ControllerEvent[] = [];
  private lastSnapshot: string;
  private detectorNumber: Map<string, number>;
  framesSinceStatus = 0;
  /** Frames counted since the start. */
  framesTotal = 0;

  constructor(private readonly o: AgentCoreOptions) {
    this.nextMeasuresMs = readingOf(o.startMs).monoMs + o.measuresIntervalMs;
    this.detectorNumber = new Map(o.zoneIds.map((id, i) => [id, o.zoneChannels?.get(id) ?? i + 1]));
    this.lastSnapshot = JSON.stringify(o.controller.snapshot());
  }

  get controller(): ControllerCore {
    return this.o.controller;
  }

  /** A zone edit changed the camera's zones: their detector numbers from now on (as `zoneIds`/`zoneChannels` at start). */
  setZones(zoneIds: readonly string[], zoneChannels?: ReadonlyMap<string, number>): void {
    this.detectorNumber = new Map(zoneIds.map((id, i) => [id, zoneChannels?.get(id) ?? i + 1]));
  }

  /**
   * A processed camera frame: loop transitions become detector calls (actuation) and events 81/82;
   * each area zone's vehicles go to the controller's area detector of the same id (phases that
   * extend their greens from the approach: `areaDetectors`).
   */
  frame(report: FrameReport): void {
    this.framesSinceStatus++;
    this.framesTotal++;
    for (const a of report.areas ?? []) this.o.controller.areaReport(a.zoneId, a.vehicles, this.o.clock?.() ?? report.tMs);
    for (const e of report.loopEvents) {
      // The controller logs 81/82 for its own detectors under its own numbering; the agent reports
      // every zone once, under the zone's channel, so those are left out.
      for (const c of this.o.controller.detectorCall(e.zoneId, e.state === "on", this.o.clock?.() ?? e.tMs)) if (!isDetectorEvent(c)) this.pendingEvents.push(c);
      this.pendingEvents.push({ type: "hires", ts: e.tMs, code: e.code, param: this.detectorNumber.get(e.zoneId) ?? 0 });
    }
  }

  /** A pedestrian push-button on `phase` was pressed: the controller's event 45, published with the next tick's events. */
  pedestrianCall(phase: number, now: ControllerTime): void {
    this.pendingEvents.push(...this.o.controller.pedestrianCall(phase, now));
  }

  /**
   * Advance the controller and, at interval boundaries (monotonic), publish measures. Messages are
   * stamped with the wall clock.
   */
  tick(now: ControllerTime): ControllerSignal | undefined {
    const { monoMs, wallMs } = readingOf(now);
    const result = this.o.controller.tick(now);
    if (result.signal) this.o.publisher.publishSignal({ ts: wallMs, ...result.signal });
    this.pendingEvents.push(...result.events);
    if (monoMs >= this.nextMeasuresMs) {
      const interval = this.o.flushMeasures(wallMs);
      if (interval.approaches.length > 0) this.o.publisher.publishMeasures({ ts: wallMs, modelId: this.o.modelId, ...interval });
      // Next boundary on the grid, so a late tick does not drift the intervals; one less than half
      // an interval away is skipped, so a very late tick is not followed by a sliver of an interval.
      while (this.nextMeasuresMs < monoMs + this.o.measuresIntervalMs / 2) this.nextMeasuresMs += this.o.measuresIntervalMs;
    }
    this.flushEvents(wallMs);
    this.persistIfChanged();
    return result.signal;
  }

  plan(plan: Plan, now: ControllerTime): void {
    this.pendingEvents.push(...this.o.controller.applyPlan(plan, now));
    this.flushEvents(readingOf(now).wallMs);
  }

  /** An operator command; its `ts` must be plausible against the controller's clock. */
  command(command: Command, now: ControllerTime): void {
    const wallMs = readingOf(now).wallMs;
    if (command.command.action === "snapshot" || command.command.action === "set-camera") {
      // Answered by a field agent with a camera; a core on its own has none.
      this.pendingEvents.push({ type: "ack", ts: wallMs, commandId: command.commandId, result: "rejected", reason: "this agent has no camera to send or configure" });
      this.flushEvents(wallMs);
      return;
    }
    this.pendingEvents.push(...this.o.controller.command(command.commandId, command.command, now, command.ts));
    this.flushEvents(wallMs);
    this.persistIfChanged();
  }

  private flushEvents(nowMs: number): void {
    // The protocol caps a message at 1000 events; a burst is split, never dropped.
    while (this.pendingEvents.length > 0) {
      const events = this.pendingEvents.splice(0, 500);
      this.o.publisher.publishEvents({ ts: nowMs, events });
    }
  }

  private persistIfChanged(): void {
    if (!this.o.persist) return;
    const snapshot = this.o.controller.snapshot();
    const text = JSON.stringify(snapshot);
    if (text === this.lastSnapshot) return;
    this.lastSnapshot = text;
    this.o.persist(snapshot);
  }
}
