import type { Measures } from "../../protocol/index.js";
import type { Planner, PlannedPlan } from "./planner.js";

export interface PlanQueueOptions {
  /** Longest stretch of planning before yielding to ingest (ms). */
  sliceMs?: number;
  /** Pause after a full slice while more is queued (ms): planning takes at most slice/(slice+rest) of the CPU. */
  restMs?: number;
  /** Runs `work` after `delayMs` (0: as soon as pending I/O is done); timers by default. */
  defer?: (work: () => void, delayMs: number) => void;
  /** Measures the slices (performance.now() by default). */
  clock?: () => number;
  /**
   * The hub's clock, which every plan is made at: the wall clock in a city, the simulator's in
   * simulated time. Never a device's `ts`, so no device can move the time that plans the others.
   */
  now?: () => number;
}

/**
 * Keeps planning off the ingest path. Measures go into the demand estimate at once (cheap); the
 * question "is a plan due?" is queued per intersection and answered in slices of at most `sliceMs`,
 * yielding to I/O in between. When thousands of plans fall due together (a hub restart, or a city
 * whose intersections all started within a second), ingest and the live stream keep flowing
 * instead of stalling behind the whole burst: planning gets at most about a quarter of the CPU
 * while a burst lasts, and the burst's plans come out spread over time, so their next refreshes
 * are spread too. An intersection measured twice while queued is planned once, at the hub's
 * time of its latest measures.
 */
export class PlanQueue {
  private readonly pending = new Map<string, number>();
  private scheduled = false;
  private stopped = false;
  private readonly sliceMs: number;
  private readonly restMs: number;
  private readonly defer: (work: () => void, delayMs: number) => void;
  private readonly clock: () => number;
  private readonly now: () => number;

  constructor(
    private readonly planner: Planner,
    private readonly publish: (plans: PlannedPlan[], nowMs: number) => void,
    options: PlanQueueOptions = {},
  ) {
    this.sliceMs = options.sliceMs ?? 5;
    this.restMs = options.restMs ?? 15;
    this.defer = options.defer ?? ((work, delayMs) => void (delayMs > 0 ? setTimeout(work, delayMs) : setImmediate(work)));
    this.clock = options.clock ?? (() => performance.now());
    this.now = options.now ?? Date.now;
  }

  /** Intersections waiting for their "is a plan due?" check. */
  get size(): number {
    return this.pending.size;
  }

  /** Drop what is queued and plan no more (the hub is stopping). */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  onMeasures(measures: Measures): void {
    if (this.stopped || !this.planner.observe(measures)) return;
    this.pending.set(measures.intersectionId, this.now());
    this.schedule();
  }

  /**
   * The wall-clock heartbeat: every intersection not already waiting is checked at `nowMs`, in
   * the same slices, so plans stay refreshed (and overrides re-sent) without measures, and a
   * heartbeat that finds thousands due does not plan them all in one go.
   */
  heartbeat(nowMs: number, intersectionIds: Iterable<string>): void {
    if (this.stopped) return;
    for (const id of intersectionIds) if (!this.pending.has(id)) this.pending.set(id, nowMs);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    this.defer(this.drain, 0);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const start = this.clock();
    // Insertion order: the longest waiting first. Deleting while iterating a Map is safe.
    for (const [id, ts] of this.pending) {
      this.pending.delete(id);
      this.publish(this.planner.due(ts, id), ts);
      if (this.clock() - start >= this.sliceMs) break;
    }
    if (this.pending.size > 0 && !this.scheduled) {
      this.scheduled = true;
      this.defer(this.drain, this.restMs);
    }
  };
}
