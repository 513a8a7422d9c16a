export const ALARM_TYPES = ["offline", "fallback", "conflict-flash", "camera", "tsdb-unreachable", "plan-rejected", "command-unanswered", "clock-skew"] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

export interface AlarmRecord {
  id: string;
  type: AlarmType;
  /** null for hub-wide alarms (the time-series server). */
  intersectionId: string | null;
  message: string;
  raisedAtMs: number;
  /** Still true of the street; a cleared alarm stays listed until acknowledged. */
  active: boolean;
  clearedAtMs: number | null;
  acknowledgedBy: string | null;
  acknowledgedAtMs: number | null;
}

/**
 * Conditions an operator must see, each raised once while it holds (offline, fallback, …) or once
 * per occurrence (a rejected plan), cleared when the condition ends, and kept until acknowledged.
 * Pure: callers pass times.
 */
export class AlarmBoard {
  private readonly alarms = new Map<string, AlarmRecord>();
  private counter = 0;

  constructor(
    private readonly onChange: (alarm: AlarmRecord) => void = () => undefined,
    private readonly limit = 10_000,
  ) {}

  /** Raise a condition alarm (keyed by type and intersection) if it is not already active. */
  raise(type: AlarmType, intersectionId: string | null, message: string, nowMs: number): AlarmRecord {
    const key = `${type}:${intersectionId ?? "*"}`;
    const existing = this.alarms.get(key);
    if (existing && existing.active) return existing;
    return this.add(key, type, intersectionId, message, nowMs);
  }

  /** An alarm for a one-off occurrence (each one listed). */
  occurrence(type: AlarmType, intersectionId: string | null, message: string, nowMs: number): AlarmRecord {
    const alarm = this.add(`${type}:${intersectionId ?? "*"}:${++this.counter}`, type, intersectionId, message, nowMs);
    alarm.active = false;
    alarm.clearedAtMs = nowMs;
    return alarm;
  }

  clear(type: AlarmType, intersectionId: string | null, nowMs: number): void {
    const alarm = this.alarms.get(`${type}:${intersectionId ?? "*"}`);
    if (!alarm || !alarm.active) return;
    alarm.active = false;
    alarm.clearedAtMs = nowMs;
    this.onChange(alarm);
  }

  /** Set or clear in one call. */
  set(type: AlarmType, intersectionId: string | null, on: boolean, message: string, nowMs: number): void {
    if (on) this.raise(type, intersectionId, message, nowMs);
    else this.clear(type, intersectionId, nowMs);
  }

  acknowledge(id: string, by: string, nowMs: number): AlarmRecord | undefined {
    const alarm = [...this.alarms.values()].find((a) => a.id === id);
    if (!alarm) return undefined;
    if (alarm.acknowledgedBy === null) {
      alarm.acknowledgedBy = by;
      alarm.acknowledgedAtMs = nowMs;
      this.onChange(alarm);
    }
    return alarm;
  }

  /** Active or unacknowledged alarms, newest first; `all` includes acknowledged, cleared ones. */
  list(options: { intersectionId?: string; all?: boolean } = {}): AlarmRecord[] {
    return [...this.alarms.values()]
      .filter((a) => (options.all || a.active || a.acknowledgedBy === null) && (options.intersectionId === undefined || a.intersectionId === options.intersectionId))
      .sort((a, b) => b.raisedAtMs - a.raisedAtMs);
  }

  private add(key: string, type: AlarmType, intersectionId: string | null, message: string, nowMs: number): AlarmRecord {
    const alarm: AlarmRecord = {
      id: `a${nowMs.toString(36)}-${(++this.counter).toString(36)}`,
      type,
      intersectionId,
      message,
      raisedAtMs: nowMs,
      active: true,
      clearedAtMs: null,
      acknowledgedBy: null,
      acknowledgedAtMs: null,
    };
    // Replacing a cleared alarm of the same key keeps one record per condition.
    this.alarms.delete(key);
    this.alarms.set(key, alarm);
    if (this.alarms.size > this.limit) {
      for (const [k, a] of this.alarms) {
        if (!a.active && a.acknowledgedBy !== null) {
          this.alarms.delete(k);
          break;
        }
      }
    }
    this.onChange(alarm);
    return alarm;
  }
}
