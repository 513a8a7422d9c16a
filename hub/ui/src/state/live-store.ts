import type { AlarmRecord, IntersectionDetail, IntersectionSummary, LiveMessage, Role, TrackedCommand } from "../net/contract.js";
import { matchesFilter, type ListFilter } from "./classify.js";

type Listener = () => void;

/**
 * The dashboard's picture of the city, fed by the live stream. Applying a message only updates
 * maps and bumps `version`; views read it when they next draw (at most once per animation frame),
 * so a burst of updates costs one render.
 */
export class LiveStore {
  readonly intersections = new Map<string, IntersectionSummary>();
  readonly alarms = new Map<string, AlarmRecord>();
  readonly commands = new Map<string, TrackedCommand>();
  detail: IntersectionDetail | null = null;
  role: Role | null = null;
  /** Server clock minus ours, from `hello`: times shown as "ago" use the hub's clock. */
  clockSkewMs = 0;
  /** Bumps on every change; cheap to compare for memoising derived views. */
  version = 0;
  /** Bumps when the set of intersections (not their state) changes: the sorted order is rebuilt then. */
  private membershipVersion = 0;
  private sortedIds: string[] = [];
  private sortedAt = -1;
  private readonly listeners = new Set<Listener>();

  apply(message: LiveMessage, nowMs = Date.now()): void {
    switch (message.type) {
      case "hello":
        this.role = message.role;
        this.clockSkewMs = message.serverTimeMs - nowMs;
        break;
      case "snapshot":
        // The whole truth: anything missing from it is gone (e.g. after the hub restarted).
        this.intersections.clear();
        for (const x of message.intersections) this.intersections.set(x.intersectionId, x);
        this.alarms.clear();
        for (const a of message.alarms) this.alarms.set(a.id, a);
        this.membershipVersion++;
        break;
      case "update":
        for (const x of message.intersections) {
          if (!this.intersections.has(x.intersectionId)) this.membershipVersion++;
          this.intersections.set(x.intersectionId, x);
        }
        for (const a of message.alarms ?? []) this.alarms.set(a.id, a);
        for (const c of message.commands ?? []) this.commands.set(c.commandId, c);
        if (this.detail) {
          const fresh = this.intersections.get(this.detail.intersectionId);
          if (fresh && message.intersections.includes(fresh)) this.detail = { ...this.detail, ...fresh };
        }
        break;
      case "detail":
        this.detail = message.intersection;
        for (const c of message.intersection.commands) this.commands.set(c.commandId, c);
        break;
      case "lagging":
        return;
    }
    this.version++;
    this.notify();
  }

  setDetail(detail: IntersectionDetail | null): void {
    this.detail = detail;
    if (detail) for (const c of detail.commands) this.commands.set(c.commandId, c);
    this.version++;
    this.notify();
  }

  trackCommand(command: TrackedCommand): void {
    const known = this.commands.get(command.commandId);
    // Answers only move forward: a slow poll must not put an acknowledged command back to "sent".
    if (known && known.updatedAtMs > command.updatedAtMs) return;
    this.commands.set(command.commandId, command);
    this.version++;
    this.notify();
  }

  /** Every intersection sorted by name (then id), rebuilt only when the membership changes. */
  sorted(): string[] {
    if (this.sortedAt !== this.membershipVersion) {
      this.sortedIds = [...this.intersections.values()]
        .sort((a, b) => (a.name ?? a.intersectionId).localeCompare(b.name ?? b.intersectionId, undefined, { numeric: true }) || a.intersectionId.localeCompare(b.intersectionId))
        .map((x) => x.intersectionId);
      this.sortedAt = this.membershipVersion;
    }
    return this.sortedIds;
  }

  filtered(filter: ListFilter): IntersectionSummary[] {
    const out: IntersectionSummary[] = [];
    for (const id of this.sorted()) {
      const x = this.intersections.get(id);
      if (x && matchesFilter(x, filter)) out.push(x);
    }
    return out;
  }

  /** Alarms an operator still has to see: active, or cleared but not acknowledged; newest first. */
  openAlarms(): AlarmRecord[] {
    return [...this.alarms.values()].filter((a) => a.active || a.acknowledgedBy === null).sort((a, b) => b.raisedAtMs - a.raisedAtMs);
  }

  commandsOf(intersectionId: string): TrackedCommand[] {
    return [...this.commands.values()].filter((c) => c.intersectionId === intersectionId).sort((a, b) => b.sentAtMs - a.sentAtMs);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
