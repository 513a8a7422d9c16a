import { z } from "zod";
import { EventLogBuilder, type EventLog } from "../atspm/index.js";
import type { Events } from "../../protocol/index.js";

export const HiResHistoryOptions = z
  .object({
    /** Hi-res events kept per intersection (12 bytes each): 200,000 is several busy hours. */
    eventsPerIntersection: z.number().int().min(100).max(50_000_000).default(200_000),
  })
  .strict();
export type HiResHistoryOptions = z.infer<typeof HiResHistoryOptions>;
export type HiResHistoryInput = z.input<typeof HiResHistoryOptions>;

/** Whole-hub budget: about 120 MB when full. */
const HIRES_BUDGET_EVENTS = 10_000_000;

/** Per-intersection bound for a city of `intersections`, so the whole hub stays within its budget. */
export function hiResBoundsFor(intersections: number): HiResHistoryOptions {
  return { eventsPerIntersection: Math.max(1000, Math.min(200_000, Math.floor(HIRES_BUDGET_EVENTS / Math.max(1, intersections)))) };
}

/** One intersection's events in a ring of typed arrays that grows up to its bound. */
class HiResRing {
  private ts = new Float64Array(256);
  private code = new Uint16Array(256);
  private param = new Uint16Array(256);
  private start = 0;
  size = 0;

  constructor(private readonly capacity: number) {}

  push(tsMs: number, code: number, param: number): void {
    if (this.size === this.ts.length && this.size < this.capacity) this.grow();
    const n = this.ts.length;
    const at = (this.start + this.size) % n;
    this.ts[at] = tsMs;
    this.code[at] = code;
    this.param[at] = param;
    if (this.size < n) this.size++;
    else this.start = (this.start + 1) % n;
  }

  /** Events with fromMs ≤ ts < toMs, sorted by time. */
  range(fromMs: number, toMs: number): EventLog {
    const b = new EventLogBuilder();
    const n = this.ts.length;
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) % n;
      const t = this.ts[i];
      if (t >= fromMs && t < toMs) b.push(t, this.code[i], this.param[i]);
    }
    return b.build();
  }

  /** Oldest and newest event time held, or null when empty. */
  span(): { oldestMs: number; newestMs: number } | null {
    if (this.size === 0) return null;
    let oldest = Infinity;
    let newest = -Infinity;
    const n = this.ts.length;
    for (let k = 0; k < this.size; k++) {
      const t = this.ts[(this.start + k) % n];
      if (t < oldest) oldest = t;
      if (t > newest) newest = t;
    }
    return { oldestMs: oldest, newestMs: newest };
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.ts.length * 2);
    const ts = new Float64Array(size);
    const code = new Uint16Array(size);
    const param = new Uint16Array(size);
    const n = this.ts.length;
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) % n;
      ts[k] = this.ts[i];
      code[k] = this.code[i];
      param[k] = this.param[i];
    }
    this.ts = ts;
    this.code = code;
    this.param = param;
    this.start = 0;
  }
}

/**
 * The controllers' hi-res events (the "hires" ones; acks and alarms are elsewhere), packed, for
 * the performance measures and the ATSPM export. Bounded per intersection; the oldest go first.
 * Events arriving late (an agent's outbox replaying) are kept and sorted when read.
 */
export class HiResHistory {
  private readonly rings = new Map<string, HiResRing>();
  readonly options: HiResHistoryOptions;

  constructor(options: HiResHistoryInput = {}) {
    this.options = HiResHistoryOptions.parse(options);
  }

  record(events: Events): void {
    let ring: HiResRing | undefined;
    for (const e of events.events) {
      if (e.type !== "hires") continue;
      ring ??= this.ring(events.intersectionId);
      ring.push(e.ts, e.code, e.param);
    }
  }

  range(intersectionId: string, fromMs: number, toMs: number): EventLog {
    return this.rings.get(intersectionId)?.range(fromMs, toMs) ?? new EventLogBuilder().build();
  }

  span(intersectionId: string): { oldestMs: number; newestMs: number } | null {
    return this.rings.get(intersectionId)?.span() ?? null;
  }

  private ring(intersectionId: string): HiResRing {
    let ring = this.rings.get(intersectionId);
    if (ring === undefined) this.rings.set(intersectionId, (ring = new HiResRing(this.options.eventsPerIntersection)));
    return ring;
  }
}
