import type { Logger } from "pino";
import type { Ingest } from "../ingest/index.js";
import { AlarmBoard, type AlarmRecord, type AlarmType } from "../services/alarm-board.js";
import type { Actor } from "../services/actor.js";
import type { AuditLog } from "../services/audit-log.js";
import type { HubStateStore } from "../state/index.js";
import type { WriterStats } from "../tsdb/index.js";
import { eventAlarms, signalAlarms, statusAlarms, type AlarmChange } from "./alarm-rules.js";
import type { ChangeFeed } from "./changes.js";

export interface AlarmsDeps {
  audit: AuditLog;
  changes: ChangeFeed;
  /** Where alarms outlive the process; null without `dataDir`. */
  state: HubStateStore | null;
  now: () => number;
  log: Logger;
}

/**
 * The alarm board, fed by the rules (alarm-rules.ts) from what ingest hears, by other features
 * (`occurrence`), and by the hub's own health (`tick`). Changes are written behind, once a
 * second in one transaction: a device repeating an alarm hundreds of times a second costs one
 * row write, not hundreds.
 */
export class Alarms {
  readonly board: AlarmBoard;
  /** Alarm changes not yet in the state store (null: evicted). */
  private readonly unsaved = new Map<string, AlarmRecord | null>();

  constructor(private readonly deps: AlarmsDeps) {
    const { state, changes } = deps;
    this.board = new AlarmBoard({
      onChange: (alarm) => {
        if (state) this.unsaved.set(alarm.id, alarm);
        changes.emit(alarm.intersectionId, "alarm");
      },
      onEvict: (alarm) => {
        if (state) this.unsaved.set(alarm.id, null);
      },
    });
    if (state) this.board.restore(state.alarms());
  }

  /** Apply the rules to every signal, status and events message (before the change is announced). */
  follow(ingest: Ingest): void {
    ingest.onSignal((s) => this.apply(s.intersectionId, signalAlarms(s)));
    ingest.onStatus((s) => this.apply(s.intersectionId, statusAlarms(s)));
    ingest.onEvents((e) => this.apply(e.intersectionId, eventAlarms(e)));
  }

  /** Ingest's clock-skew verdict: raised once per device while its clock is implausible, not once per message. */
  clockSkew(intersectionId: string, skewed: boolean, message: string): void {
    this.board.set("clock-skew", intersectionId, skewed, message, this.deps.now());
  }

  /** Planning's verdict on a controller's configuration: a problem while the hub's settings do not fit it, null once they do. */
  controllerConfig(intersectionId: string, problem: string | null): void {
    this.board.set("controller-config", intersectionId, problem !== null, problem ?? "", this.deps.now());
  }

  /** A one-off another feature saw (a plan it could not make, a command nobody answered). */
  occurrence(type: AlarmType, intersectionId: string | null, message: string, nowMs: number): void {
    this.board.occurrence(type, intersectionId, message, nowMs);
  }

  /** Once a second: write changes behind, and alarm while the time-series server is unreachable. */
  tick(nowMs: number, timeSeries: WriterStats | null): void {
    this.save();
    if (timeSeries) {
      this.board.set("tsdb-unreachable", null, timeSeries.serverReachable === false, `time-series server unreachable: ${timeSeries.lastError ?? "no answer"} (${timeSeries.bufferedLines} lines buffered)`, nowMs);
    }
  }

  list(options: { intersectionId?: string; all?: boolean } = {}): AlarmRecord[] {
    return this.board.list(options);
  }

  /** An operator's acknowledgement, audited. */
  acknowledge(id: string, actor: Actor): AlarmRecord | undefined {
    const nowMs = this.deps.now();
    const alarm = this.board.acknowledge(id, actor.name, nowMs);
    if (alarm) this.deps.audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: "alarm.acknowledge", intersectionId: alarm.intersectionId, details: { alarmId: id, type: alarm.type }, result: "ok" });
    return alarm;
  }

  stats(): ReturnType<AlarmBoard["stats"]> {
    return this.board.stats();
  }

  stop(): void {
    this.save();
  }

  private apply(intersectionId: string, changes: readonly AlarmChange[]): void {
    if (changes.length === 0) return;
    const nowMs = this.deps.now();
    for (const c of changes) {
      if (c.op === "set") this.board.set(c.type, intersectionId, c.on, c.message, nowMs);
      else if (c.op === "raise") this.board.raise(c.type, intersectionId, c.message, nowMs);
      else if (c.op === "clear") this.board.clear(c.type, intersectionId, nowMs);
      else this.board.occurrence(c.type, intersectionId, c.message, nowMs);
    }
  }

  private save(): void {
    const { state, log } = this.deps;
    if (!state || this.unsaved.size === 0) return;
    try {
      state.writeAlarms(this.unsaved);
    } catch (err) {
      log.error({ err }, "hub state store write failed");
    }
    this.unsaved.clear();
  }
}
