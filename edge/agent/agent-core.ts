import type { Command, ControllerEvent, Plan } from "../../protocol/index.js";
import type { FrameReport, IntervalMeasures } from "../inference/index.js";
import { ControllerCore, PersistedState, type ControllerSignal } from "./controller/index.js";

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
  /** Zone ids, in camera-config order: a zone's detector number (hi-res param) is its index + 1. */
  zoneIds: readonly string[];
  /** Called when the controller's persisted state (latched fault, operator flash, last plan) changes. */
  persist?: (snapshot: PersistedState) => void;
  startMs: number;
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
  private readonly detectorNumber: Map<string, number>;
  framesSinceStatus = 0;
  /** Frames counted since the start. */
  framesTotal = 0;

  constructor(private readonly o: AgentCoreOptions) {
    this.nextMeasuresMs = o.startMs + o.measuresIntervalMs;
    this.detectorNumber = new Map(o.zoneIds.map((id, i) => [id, i + 1]));
    this.lastSnapshot = JSON.stringify(o.controller.snapshot());
  }

  get controller(): ControllerCore {
    return this.o.controller;
  }

  /** A processed camera frame: loop transitions become detector calls (actuation) and events 81/82. */
  frame(report: FrameReport): void {
    this.framesSinceStatus++;
    this.framesTotal++;
    for (const e of report.loopEvents) {
      this.pendingEvents.push(...this.o.controller.detectorCall(e.zoneId, e.state === "on", e.tMs));
      this.pendingEvents.push({ type: "hires", ts: e.tMs, code: e.code, param: this.detectorNumber.get(e.zoneId) ?? 0 });
    }
  }

  /** Advance the controller and, at interval boundaries, publish measures. */
  tick(nowMs: number): ControllerSignal | undefined {
    const result = this.o.controller.tick(nowMs);
    if (result.signal) this.o.publisher.publishSignal({ ts: nowMs, ...result.signal });
    this.pendingEvents.push(...result.events);
    if (nowMs >= this.nextMeasuresMs) {
      const interval = this.o.flushMeasures(nowMs);
      if (interval.approaches.length > 0) this.o.publisher.publishMeasures({ ts: nowMs, modelId: this.o.modelId, ...interval });
      // Next boundary on the grid, so a late tick does not drift the intervals; one less than half
      // an interval away is skipped, so a very late tick is not followed by a sliver of an interval.
      while (this.nextMeasuresMs < nowMs + this.o.measuresIntervalMs / 2) this.nextMeasuresMs += this.o.measuresIntervalMs;
    }
    this.flushEvents(nowMs);
    this.persistIfChanged();
    return result.signal;
  }

  plan(plan: Plan, nowMs: number): void {
    this.pendingEvents.push(...this.o.controller.applyPlan(plan, nowMs));
    this.flushEvents(nowMs);
  }

  command(command: Command, nowMs: number): void {
    if (command.command.action === "snapshot") {
      // Answered by a field agent with a camera; a core on its own has none.
      this.pendingEvents.push({ type: "ack", ts: nowMs, commandId: command.commandId, result: "rejected", reason: "this agent sends no camera snapshots" });
      return;
    }
    this.pendingEvents.push(...this.o.controller.command(command.commandId, command.command, nowMs));
    this.flushEvents(nowMs);
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
