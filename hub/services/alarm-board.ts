export const ALARM_TYPES = ["offline", "fallback", "conflict-flash", "camera", "tsdb-unreachable", "plan-rejected", "command-unanswered", "clock-skew", "controller-config"] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/** One alarm as the board keeps it and the API shows it: the contract's record. */
export type { AlarmRecord } from "../api/contract.js";
import type { AlarmRecord } from "../api/contract.js";

export interface AlarmBoardOptions {
  /** Records kept at most; beyond it the oldest acknowledged, then the oldest cleared, then the oldest go. */
  limit?: number;
  /** Every new or changed record (to show it, and to store it). */
  onChange?: (alarm: AlarmRecord) => void;
  /** A record dropped to keep the board within its limit. */
  onEvict?: (alarm: AlarmRecord) => void;
}

/**
 * Conditions an operator must see. One record per (type, intersection) until it is acknowledged:
 * a condition (offline, fallback, …) raised again, or a one-off (a rejected plan) that happens
 * again, is folded into that record (count, first and last seen), so a device repeating an alarm
 * grows a number, not the board. The board is bounded in total. Pure: callers pass times.
 */
export class AlarmBoard {
  /** By key `type:intersection`, in order of last change (oldest first). */
  private readonly alarms = new Map<string, AlarmRecord>();
  private readonly keyById = new Map<string, string>();
  private counter = 0;
  private evictedCount = 0;
  private readonly limit: number;
  private readonly onChange: (alarm: AlarmRecord) => void;
  private readonly onEvict: (alarm: AlarmRecord) => void;

  constructor(options: AlarmBoardOptions = {}) {
    this.limit = options.limit ?? 10_000;
    this.onChange = options.onChange ?? (() => undefined);
    this.onEvict = options.onEvict ?? (() => undefined);
  }

  /** Raise a condition alarm (keyed by type and intersection) if it is not already active. */
  raise(type: AlarmType, intersectionId: string | null, message: string, nowMs: number): AlarmRecord {
    const existing = this.alarms.get(keyOf(type, intersectionId));
    if (existing && existing.active) return existing;
    return this.fold(type, intersectionId, message, nowMs, true);
  }

  /** A one-off occurrence: listed as a cleared alarm, folded into the unacknowledged one of its kind. */
  occurrence(type: AlarmType, intersectionId: string | null, message: string, nowMs: number): AlarmRecord {
    return this.fold(type, intersectionId, message, nowMs, false);
  }

  clear(type: AlarmType, intersectionId: string | null, nowMs: number): void {
    const alarm = this.alarms.get(keyOf(type, intersectionId));
    if (!alarm || !alarm.active) return;
    alarm.active = false;
    alarm.clearedAtMs = nowMs;
    this.changed(alarm);
  }

  /** Set or clear in one call. */
  set(type: AlarmType, intersectionId: string | null, on: boolean, message: string, nowMs: number): void {
    if (on) this.raise(type, intersectionId, message, nowMs);
    else this.clear(type, intersectionId, nowMs);
  }

  acknowledge(id: string, by: string, nowMs: number): AlarmRecord | undefined {
    const key = this.keyById.get(id);
    const alarm = key === undefined ? undefined : this.alarms.get(key);
    if (!alarm) return undefined;
    if (alarm.acknowledgedBy === null) {
      alarm.acknowledgedBy = by;
      alarm.acknowledgedAtMs = nowMs;
      this.changed(alarm);
    }
    return alarm;
  }

  /** Active or unacknowledged alarms, latest first; `all` includes acknowledged, cleared ones. */
  list(options: { intersectionId?: string; all?: boolean } = {}): AlarmRecord[] {
    return [...this.alarms.values()]
      .filter((a) => (options.all || a.active || a.acknowledgedBy === null) && (options.intersectionId === undefined || a.intersectionId === options.intersectionId))
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs);
  }

  /** Put back records kept from an earlier run (the hub's store), without calling onChange. */
  restore(records: Iterable<AlarmRecord>): void {
    for (const r of records) {
      const key = keyOf(r.type, r.intersectionId);
      const old = this.alarms.get(key);
      if (old && old.lastSeenMs > r.lastSeenMs) continue;
      if (old) this.keyById.delete(old.id);
      this.alarms.delete(key);
      this.alarms.set(key, { ...r });
      this.keyById.set(r.id, key);
      this.counter = Math.max(this.counter, Number.parseInt(r.id.split("-").at(-1) ?? "0", 36) || 0);
    }
    this.trim();
  }

  stats(): { records: number; evicted: number } {
    return { records: this.alarms.size, evicted: this.evictedCount };
  }

  private fold(type: AlarmType, intersectionId: string | null, message: string, nowMs: number, active: boolean): AlarmRecord {
    const key = keyOf(type, intersectionId);
    const existing = this.alarms.get(key);
    if (existing && existing.acknowledgedBy === null) {
      existing.count++;
      existing.lastSeenMs = nowMs;
      existing.message = message;
      if (active) {
        existing.active = true;
        existing.clearedAtMs = null;
      } else if (!existing.active) {
        existing.clearedAtMs = nowMs;
      }
      this.changed(existing);
      return existing;
    }
    const alarm: AlarmRecord = {
      id: `a${nowMs.toString(36)}-${(++this.counter).toString(36)}`,
      type,
      intersectionId,
      message,
      raisedAtMs: nowMs,
      lastSeenMs: nowMs,
      count: 1,
      active,
      clearedAtMs: active ? null : nowMs,
      acknowledgedBy: null,
      acknowledgedAtMs: null,
    };
    // An acknowledged record of the same key is replaced: one record per condition.
    if (existing) this.keyById.delete(existing.id);
    this.alarms.delete(key);
    this.alarms.set(key, alarm);
    this.keyById.set(alarm.id, key);
    this.trim();
    this.onChange(alarm);
    return alarm;
  }

  private changed(alarm: AlarmRecord): void {
    // Kept in order of last change, so eviction finds the stalest first.
    const key = keyOf(alarm.type, alarm.intersectionId);
    this.alarms.delete(key);
    this.alarms.set(key, alarm);
    this.onChange(alarm);
  }

  private trim(): void {
    while (this.alarms.size > this.limit) {
      const victim =
        this.first((a) => !a.active && a.acknowledgedBy !== null) ?? this.first((a) => !a.active) ?? this.alarms.values().next().value!;
      this.alarms.delete(keyOf(victim.type, victim.intersectionId));
      this.keyById.delete(victim.id);
      this.evictedCount++;
      this.onEvict(victim);
    }
  }

  private first(test: (a: AlarmRecord) => boolean): AlarmRecord | undefined {
    for (const a of this.alarms.values()) if (test(a)) return a;
    return undefined;
  }
}

function keyOf(type: AlarmType, intersectionId: string | null): string {
  return `${type}:${intersectionId ?? "*"}`;
}
