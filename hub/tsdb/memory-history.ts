/**
 * Recent history kept in memory, with or without a time-series server: what the REST layer
 * answers "the last hour at this intersection" from. Every list is bounded, and so is the number
 * of intersections and approaches, so memory stays bounded however many messages come in.
 */
import { z } from "zod";
import {
  parseOrThrow,
  type ControllerEvent,
  type Events,
  type Measures,
  type Plan,
  type Signal,
} from "../../protocol/index.js";
import { SampleSeries, type ApproachSample } from "./sample-series.js";
import { TextRing } from "./text-ring.js";
import { RecencyMap, type Stamped } from "./recency-map.js";

export type { ApproachSample } from "./sample-series.js";

const Capacity = z.number().int().min(1).max(1_000_000);

export const MemoryHistoryOptions = z.object({
  /** Measures kept per approach: 720 is an hour at 5 s intervals. */
  measuresPerApproach: Capacity.default(720),
  /** Approaches kept per intersection; the least recently heard goes first. */
  approachesPerIntersection: Capacity.default(32),
  plansPerIntersection: Capacity.default(100),
  signalsPerIntersection: Capacity.default(1000),
  eventsPerIntersection: Capacity.default(1000),
  /** Intersections kept; the least recently heard goes first. */
  maxIntersections: Capacity.default(5000),
});
export type MemoryHistoryOptions = z.infer<typeof MemoryHistoryOptions>;
export type MemoryHistoryInput = z.input<typeof MemoryHistoryOptions>;

/**
 * Whole-hub budgets behind `historyBoundsFor`, in kept items (an approach sample takes 80 bytes of
 * typed array, reserved when its approach is first heard; a signal state, event or plan its JSON
 * text, 100–500 bytes): a few hundred megabytes when all are full. The per-intersection defaults fit them up to about 500
 * intersections; a bigger city keeps a shorter memory of each (a time-series server keeps the rest).
 */
const HISTORY_BUDGET = { approachSamples: 1_500_000, signals: 500_000, events: 500_000, plans: 100_000, approachesEach: 4 };

/** Per-intersection history bounds for a hub of `intersections`, within the whole-hub budgets. */
export function historyBoundsFor(intersections: number): MemoryHistoryOptions {
  const defaults = MemoryHistoryOptions.parse({});
  const n = Math.max(1, intersections);
  const fit = (budget: number, max: number, min: number): number => Math.max(min, Math.min(max, Math.floor(budget / n)));
  return {
    ...defaults,
    measuresPerApproach: fit(HISTORY_BUDGET.approachSamples / HISTORY_BUDGET.approachesEach, defaults.measuresPerApproach, 12),
    signalsPerIntersection: fit(HISTORY_BUDGET.signals, defaults.signalsPerIntersection, 10),
    eventsPerIntersection: fit(HISTORY_BUDGET.events, defaults.eventsPerIntersection, 10),
    plansPerIntersection: fit(HISTORY_BUDGET.plans, defaults.plansPerIntersection, 5),
    maxIntersections: Math.max(defaults.maxIntersections, Math.min(1_000_000, n + Math.ceil(n / 10))),
  };
}

export interface MemoryHistorySizes {
  intersections: number;
  approachSamples: number;
  plans: number;
  signals: number;
  events: number;
  /** Bytes of typed arrays (samples, and the text rings' indexes) and text buffers held: what the history adds to the process's RSS as it fills. */
  bytes: number;
}

/** Kept packed (typed arrays; JSON text in one byte buffer per list): at 5,000 intersections this is millions of items, which as JS objects or strings made every old-space collection stall the hub for hundreds of milliseconds. */
interface IntersectionHistory extends Stamped {
  approaches: RecencyMap<SampleSeries>;
  plans: TextRing<Plan>;
  signals: TextRing<Signal>;
  events: TextRing<ControllerEvent>;
}

const planIdentity = (p: Plan): string => p.planId;

/** Events at the same ms are distinct unless they say the same thing (a redelivery). */
function eventIdentity(e: ControllerEvent): string {
  switch (e.type) {
    case "hires":
      return `hires ${e.code} ${e.param}`;
    case "ack":
      return `ack ${e.commandId} ${e.result}`;
    case "alarm":
      return `alarm ${e.alarm} ${e.message}`;
  }
}

export class MemoryHistory {
  readonly options: MemoryHistoryOptions;
  private readonly byIntersection: RecencyMap<IntersectionHistory>;

  constructor(options: MemoryHistoryInput = {}) {
    this.options = parseOrThrow(MemoryHistoryOptions, options, "history");
    this.byIntersection = new RecencyMap(this.options.maxIntersections);
  }

  recordMeasures(measures: Measures): void {
    const history = this.intersection(measures.intersectionId);
    for (const approach of measures.approaches) {
      let series = history.approaches.get(approach.approachId);
      if (!series) series = new SampleSeries(this.options.measuresPerApproach, approach.approachId);
      history.approaches.touch(approach.approachId, series);
      series.insert({
        ts: measures.ts,
        intervalMs: measures.intervalMs,
        count: approach.count,
        countsByClass: approach.countsByClass,
        queue: approach.queue,
        occupancy: approach.occupancy,
      });
    }
  }

  recordSignal(signal: Signal): void {
    this.intersection(signal.intersectionId).signals.insert(signal);
  }

  recordPlan(plan: Plan): void {
    this.intersection(plan.intersectionId).plans.insert(plan);
  }

  recordEvents(events: Events): void {
    const timeline = this.intersection(events.intersectionId).events;
    for (const event of events.events) timeline.insert(event);
  }

  /** Every approach's samples with ts >= sinceMs, oldest first (ties by approach id). */
  measuresSince(intersectionId: string, sinceMs: number): ApproachSample[] {
    const history = this.byIntersection.get(intersectionId);
    if (!history) return [];
    const out: ApproachSample[] = [];
    for (const series of history.approaches.values()) out.push(...series.since(sinceMs));
    return out.sort((a, b) => a.ts - b.ts || (a.approachId < b.approachId ? -1 : a.approachId > b.approachId ? 1 : 0));
  }

  /** The latest `limit` plans sent to the intersection, oldest first. */
  plans(intersectionId: string, limit: number = this.options.plansPerIntersection): Plan[] {
    return this.byIntersection.get(intersectionId)?.plans.latest(limit) ?? [];
  }

  /** The latest `limit` signal changes, oldest first. */
  signals(intersectionId: string, limit: number = this.options.signalsPerIntersection): Signal[] {
    return this.byIntersection.get(intersectionId)?.signals.latest(limit) ?? [];
  }

  /** The latest `limit` controller events, oldest first. */
  events(intersectionId: string, limit: number = this.options.eventsPerIntersection): ControllerEvent[] {
    return this.byIntersection.get(intersectionId)?.events.latest(limit) ?? [];
  }

  /** Intersections with history, least recently heard first. */
  intersectionIds(): string[] {
    return this.byIntersection.keysByRecency();
  }

  /** How much is held, for metrics (and to show the bounds hold). */
  sizes(): MemoryHistorySizes {
    const sizes: MemoryHistorySizes = { intersections: this.byIntersection.size, approachSamples: 0, plans: 0, signals: 0, events: 0, bytes: 0 };
    for (const history of this.byIntersection.values()) {
      for (const series of history.approaches.values()) {
        sizes.approachSamples += series.size;
        sizes.bytes += series.bytes;
      }
      for (const ring of [history.plans, history.signals, history.events]) sizes.bytes += ring.bufferBytes + ring.indexBytes;
      sizes.plans += history.plans.size;
      sizes.signals += history.signals.size;
      sizes.events += history.events.size;
    }
    return sizes;
  }

  private intersection(intersectionId: string): IntersectionHistory {
    let history = this.byIntersection.get(intersectionId);
    if (!history) {
      history = {
        lastUsed: 0,
        approaches: new RecencyMap(this.options.approachesPerIntersection),
        plans: new TextRing<Plan>(this.options.plansPerIntersection, planIdentity),
        signals: new TextRing<Signal>(this.options.signalsPerIntersection),
        events: new TextRing<ControllerEvent>(this.options.eventsPerIntersection, eventIdentity),
      };
    }
    this.byIntersection.touch(intersectionId, history);
    return history;
  }
}
