import type { Measures } from "../../protocol/index.js";
import type { Planner, PlannedPlan } from "./planner.js";

export interface PlanQueueOptions {
  /** Longest stretch of planning before yielding to ingest (ms). */
  sliceMs?: number;
  /** Runs `work` soon, after pending I/O; `setImmediate` by default. */
  defer?: (work: () => void) => void;
  clock?: () => number;
}

/**
 * Keeps planning off the ingest path. Measures go into the demand estimate at once (cheap); the
 * question "is a plan due?" is queued per intersection and answered in slices of at most `sliceMs`,
 * yielding to I/O in between. When thousands of plans fall due together (a hub restart, or a city
 * whose intersections all started within a second), ingest and the live stream keep flowing
 * instead of stalling behind the whole burst. An intersection measured twice while queued is
 * planned once, at its latest measures' time.
 */
export class PlanQueue {
  private readonly pending = new Map<string, number>();
  private scheduled = false;
  private readonly sliceMs: number;
  private readonly defer: (work: () => void) => void;
  private readonly clock: () => number;

  constructor(
    private readonly planner: Planner,
    private readonly publish: (plans: PlannedPlan[], nowMs: number) => void,
    options: PlanQueueOptions = {},
  ) {
    this.sliceMs = options.sliceMs ?? 5;
    this.defer = options.defer ?? ((work) => void setImmediate(work));
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Intersections waiting for their "is a plan due?" check. */
  get size(): number {
    return this.pending.size;
  }

  onMeasures(measures: Measures): void {
    if (!this.planner.observe(measures)) return;
    this.pending.set(measures.intersectionId, measures.ts);
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(this.drain);
    }
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
      this.defer(this.drain);
    }
  };
}
