import type { ControllerEvent, DecodedMessage, Events, Measures, Plan, Signal, Status } from "../../protocol/index.js";

/** Edge-to-hub kinds the store counts. */
export type EdgeKind = "measures" | "signal" | "events" | "status";

/** What the hub knows about one intersection. Read-only to everyone but the store. */
export interface IntersectionState {
  intersectionId: string;
  region: string;
  /** The newest measures, signal and status by the sender's clock (late arrivals do not replace them); measures and signal are a fresh copy on each read. */
  readonly measures: Measures | null;
  readonly signal: Signal | null;
  status: Status | null;
  /** From the retained status and the device's last will; null until a status is heard. */
  online: boolean | null;
  /** The newest plan the hub published (or saw published) for it. */
  plan: Plan | null;
  /** Controller events in arrival order, oldest first, at most `recentEventsLimit`. */
  recentEvents: ControllerEvent[];
  /** Hub clock (ms) when the last edge message arrived; null if only a plan is known. */
  lastSeenMs: number | null;
  messages: Record<EdgeKind, number>;
}

export interface IntersectionStoreOptions {
  recentEventsLimit?: number;
}

export const DEFAULT_RECENT_EVENTS = 200;

function isNewer(next: { ts: number; seq: number }, current: { ts: number; seq: number } | null): boolean {
  return current === null || next.ts > current.ts || (next.ts === current.ts && next.seq >= current.seq);
}

/**
 * The newest message of one kind, kept as its JSON text with its `ts` and `seq` beside it, and
 * parsed back when read. Measures and signals are replaced every second or so at every
 * intersection: as objects they live long enough to be promoted, and at 5,000 intersections they
 * were most of what filled the old space between major collections (whose marking stalled the
 * hub); a string is one object with nothing in it to trace.
 */
class LatestJson<T extends { ts: number; seq: number }> {
  private text: string | null = null;
  /** The held message's `ts` and `seq` (0 while empty). */
  ts = 0;
  seq = 0;

  /** Keep `next` unless what is held is newer. */
  offer(next: T): void {
    if (!isNewer(next, this.text === null ? null : this)) return;
    this.text = JSON.stringify(next);
    this.ts = next.ts;
    this.seq = next.seq;
  }

  /** A fresh copy each call. */
  get(): T | null {
    // Written by `offer` from a validated T, so it parses back to one.
    return this.text === null ? null : (JSON.parse(this.text) as T);
  }
}

/** One intersection's state; `measures` and `signal` are parsed on each read (see LatestJson). */
class IntersectionEntry implements IntersectionState {
  readonly latestMeasures = new LatestJson<Measures>();
  readonly latestSignal = new LatestJson<Signal>();
  status: Status | null = null;
  online: boolean | null = null;
  plan: Plan | null = null;
  recentEvents: ControllerEvent[] = [];
  lastSeenMs: number | null = null;
  messages: Record<EdgeKind, number> = { measures: 0, signal: 0, events: 0, status: 0 };

  constructor(
    readonly intersectionId: string,
    public region: string,
  ) {}

  get measures(): Measures | null {
    return this.latestMeasures.get();
  }

  get signal(): Signal | null {
    return this.latestSignal.get();
  }
}

/**
 * The current state of every intersection, keyed by `intersectionId` (unique across the city;
 * the region is recorded alongside). Pure: no I/O, no clock of its own; callers pass receipt times.
 * Apply only messages that passed validation and the duplicate filter.
 */
export class IntersectionStore {
  private readonly byId = new Map<string, IntersectionEntry>();
  private readonly recentEventsLimit: number;

  constructor(options: IntersectionStoreOptions = {}) {
    this.recentEventsLimit = options.recentEventsLimit ?? DEFAULT_RECENT_EVENTS;
  }

  get size(): number {
    return this.byId.size;
  }

  get(intersectionId: string): Readonly<IntersectionState> | undefined {
    return this.byId.get(intersectionId);
  }

  list(): Readonly<IntersectionState>[] {
    return [...this.byId.values()];
  }

  /** Apply any decoded message; plans and commands are stored only as plans (commands are not state). */
  apply(message: DecodedMessage, receivedAtMs: number): void {
    switch (message.kind) {
      case "measures":
        return this.applyMeasures(message.region, message.payload, receivedAtMs);
      case "signal":
        return this.applySignal(message.region, message.payload, receivedAtMs);
      case "events":
        return this.applyEvents(message.region, message.payload, receivedAtMs);
      case "status":
        return this.applyStatus(message.region, message.payload, receivedAtMs);
      case "plan":
        return this.applyPlan(message.region, message.payload);
      case "command":
        return;
    }
  }

  applyMeasures(region: string, measures: Measures, receivedAtMs: number): void {
    this.seen(region, measures.intersectionId, "measures", receivedAtMs).latestMeasures.offer(measures);
  }

  applySignal(region: string, signal: Signal, receivedAtMs: number): void {
    this.seen(region, signal.intersectionId, "signal", receivedAtMs).latestSignal.offer(signal);
  }

  applyEvents(region: string, events: Events, receivedAtMs: number): void {
    const state = this.seen(region, events.intersectionId, "events", receivedAtMs);
    const recent = state.recentEvents;
    for (const event of events.events) recent.push(event);
    if (recent.length > this.recentEventsLimit) recent.splice(0, recent.length - this.recentEventsLimit);
  }

  /**
   * Statuses apply in arrival order: the broker keeps one topic's messages in order, and a last
   * will (`online: false`) carries the `ts` and `seq` of the connect it was registered at, so it
   * is older than the statuses it must override.
   */
  applyStatus(region: string, status: Status, receivedAtMs: number): void {
    const state = this.seen(region, status.intersectionId, "status", receivedAtMs);
    state.status = status;
    state.online = status.online;
  }

  applyPlan(region: string, plan: Plan): void {
    const state = this.entry(region, plan.intersectionId);
    if (isNewer(plan, state.plan)) state.plan = plan;
  }

  private seen(region: string, intersectionId: string, kind: EdgeKind, receivedAtMs: number): IntersectionEntry {
    const state = this.entry(region, intersectionId);
    state.lastSeenMs = receivedAtMs;
    state.messages[kind]++;
    return state;
  }

  private entry(region: string, intersectionId: string): IntersectionEntry {
    let state = this.byId.get(intersectionId);
    if (!state) {
      state = new IntersectionEntry(intersectionId, region);
      this.byId.set(intersectionId, state);
    } else {
      state.region = region;
    }
    return state;
  }
}
