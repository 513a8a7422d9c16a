import type { ApproachMeasures, CountsByClass } from "../../../protocol/index.js";
import type { CountSample } from "./types.js";
import type { ZoneState } from "./zone-monitor.js";

/** The part of a zone's per-frame state the aggregator reads (a `ZoneState` or a `LoopState`). */
export type ZoneSample = Pick<ZoneState, "approachId" | "kind" | "occupied" | "queueVeh">;

export interface FrameObservation {
  /** Vehicles counted this frame: line crossings or loop on-transitions. */
  counts?: readonly CountSample[];
  /** Every zone's state this frame. */
  zones?: readonly ZoneSample[];
}

export interface IntervalMeasures {
  intervalMs: number;
  framesProcessed: number;
  approaches: ApproachMeasures[];
}

interface ApproachTally {
  count: number;
  countsByClass: CountsByClass;
  queueSum: number;
  queueFrames: number;
  occupiedSum: number;
  occupancySamples: number;
}

function emptyTally(): ApproachTally {
  return { count: 0, countsByClass: {}, queueSum: 0, queueFrames: 0, occupiedSum: 0, occupancySamples: 0 };
}

/**
 * Sums one interval of frames into the protocol's per-approach measures:
 * - `count`: vehicles counted, by class where the class is known (loops do not know it);
 * - `queue`: per frame, the sum over the approach's queue zones; reported as the mean over frames;
 * - `occupancy`: the mean over the approach's zones of each zone's share of frames occupied
 *   (the average detector occupancy, as traffic engineers read it).
 */
export class MeasuresAggregator {
  private readonly approachIds: readonly string[];
  private tallies = new Map<string, ApproachTally>();
  private frames = 0;
  private startMs: number;

  constructor(approachIds: readonly string[], startMs: number) {
    if (approachIds.length === 0) throw new RangeError("measures aggregator: needs at least one approach");
    this.approachIds = [...approachIds];
    this.startMs = startMs;
    this.clear();
  }

  recordFrame(frame: FrameObservation): void {
    this.frames++;
    for (const c of frame.counts ?? []) this.addCount(c);
    const queueSeen = new Set<ApproachTally>();
    for (const z of frame.zones ?? []) {
      const tally = this.tally(z.approachId);
      tally.occupiedSum += z.occupied;
      tally.occupancySamples++;
      if (z.kind === "queue") {
        tally.queueSum += z.queueVeh;
        queueSeen.add(tally);
      }
    }
    for (const tally of queueSeen) tally.queueFrames++;
  }

  /** A count outside `recordFrame`, e.g. from a crossing reported late. */
  addCount(sample: CountSample): void {
    const tally = this.tally(sample.approachId);
    tally.count++;
    if (sample.className !== undefined) {
      tally.countsByClass[sample.className] = (tally.countsByClass[sample.className] ?? 0) + 1;
    }
  }

  /** The measures since the last flush (or construction); then a new interval starts at `nowMs`. */
  flush(nowMs: number): IntervalMeasures {
    const result: IntervalMeasures = {
      intervalMs: Math.max(0, Math.round(nowMs - this.startMs)),
      framesProcessed: this.frames,
      approaches: this.approachIds.map((approachId) => {
        const t = this.tally(approachId);
        return {
          approachId,
          count: t.count,
          countsByClass: t.countsByClass,
          queue: t.queueFrames === 0 ? 0 : t.queueSum / t.queueFrames,
          occupancy: t.occupancySamples === 0 ? 0 : Math.min(1, t.occupiedSum / t.occupancySamples),
        };
      }),
    };
    this.startMs = nowMs;
    this.clear();
    return result;
  }

  private clear(): void {
    this.frames = 0;
    this.tallies = new Map(this.approachIds.map((id) => [id, emptyTally()]));
  }

  private tally(approachId: string): ApproachTally {
    const t = this.tallies.get(approachId);
    if (t === undefined) throw new RangeError(`measures aggregator: unknown approach "${approachId}"`);
    return t;
  }
}
