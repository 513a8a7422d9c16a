import { z } from "zod";
import { parseOrThrow, type VehicleClass } from "../../../protocol/index.js";
import { boxSideOfLine, crossingFraction, groundPoint } from "./geometry.js";
import type { CountingLine, CrossingDirection, PointXY, TrackedVehicle } from "./types.js";

export const LineCounterOptions = z.object({
  /** Consecutive observed frames a box must sit wholly on one side before that side is believed. */
  confirmFrames: z.number().int().min(1).default(3),
  /** Every box corner must be more than this far (px) from the line to be "wholly" on a side. */
  marginPx: z.number().min(0).default(0),
  /**
   * How far beyond the ends of the line (as a fraction of its length) a vehicle's ground path may
   * cross it and still count; vehicles in lanes the line does not cover are not counted.
   */
  endTolerance: z.number().min(0).default(0.1),
});
export type LineCounterOptionsInput = z.input<typeof LineCounterOptions>;
export type LineCounterSettings = z.output<typeof LineCounterOptions>;

export interface CrossingEvent {
  lineId: string;
  approachId: string;
  trackId: number;
  direction: CrossingDirection;
  className: VehicleClass;
  tMs: number;
}

/** What one track has shown on one line so far. */
interface TrackLineState {
  /** The side the track was last believed to be on (0: not yet known). */
  settled: -1 | 0 | 1;
  /** Ground point at the last observation wholly on the settled side. */
  settledPoint: PointXY;
  /** The side of the current run of consecutive observations, and its length. */
  runSide: -1 | 0 | 1;
  runFrames: number;
  runStartPoint: PointXY;
  countedPositive: boolean;
  countedNegative: boolean;
}

/**
 * Counts tracks crossing lines, built against the ways line counters fail in the field:
 *
 * - A side is believed only when the whole box (all four corners, beyond `marginPx`) lies on it
 *   for `confirmFrames` consecutive observed frames. Frames where the box straddles the line reset
 *   the run; frames where the track was missed are skipped, so a vehicle lost for a few frames and
 *   found past the line still counts. All four corners rather than the ground point, because a box
 *   edge creeping over the line during stop-and-go must never be mistaken for a crossing.
 * - A crossing is a change of believed side; a track born already past the line (e.g. after an
 *   id switch between overlapping vehicles) has no believed origin and never counts.
 * - Each track counts at most once per direction per line, so flicker and stop-and-go count once.
 * - Only confirmed tracks count; a crossing seen while the track is unconfirmed waits for it.
 *
 * Feed every track the tracker returns, every frame: a track missing from the list is forgotten.
 */
export class LineCounter {
  readonly settings: LineCounterSettings;
  private readonly lines: readonly CountingLine[];
  private readonly state = new Map<number, TrackLineState[]>();

  constructor(lines: readonly CountingLine[], options: LineCounterOptionsInput = {}) {
    this.settings = parseOrThrow(LineCounterOptions, options, "lineCounter");
    this.lines = lines.map((l) => ({ ...l }));
  }

  update(tracks: readonly TrackedVehicle[], tMs: number): CrossingEvent[] {
    const events: CrossingEvent[] = [];
    const alive = new Set<number>();
    for (const track of tracks) {
      alive.add(track.id);
      if (track.misses > 0) continue;
      let perLine = this.state.get(track.id);
      if (perLine === undefined) {
        perLine = this.lines.map(() => freshState());
        this.state.set(track.id, perLine);
      }
      for (let i = 0; i < this.lines.length; i++) {
        const event = this.observe(this.lines[i], perLine[i], track, tMs);
        if (event !== null) events.push(event);
      }
    }
    for (const id of this.state.keys()) if (!alive.has(id)) this.state.delete(id);
    return events;
  }

  /** Forget every track (e.g. after the camera moved). */
  reset(): void {
    this.state.clear();
  }

  private observe(line: CountingLine, s: TrackLineState, track: TrackedVehicle, tMs: number): CrossingEvent | null {
    const side = boxSideOfLine(track.box, line.from, line.to, this.settings.marginPx);
    const ground = groundPoint(track.box);
    if (side === 0) {
      s.runSide = 0;
      s.runFrames = 0;
      return null;
    }
    if (side === s.runSide) s.runFrames++;
    else {
      s.runSide = side;
      s.runFrames = 1;
      s.runStartPoint = ground;
    }
    if (side === s.settled) {
      s.settledPoint = ground;
      return null;
    }
    if (s.runFrames < this.settings.confirmFrames) return null;
    if (s.settled === 0) {
      s.settled = side;
      s.settledPoint = ground;
      return null;
    }
    if (!track.confirmed) return null;

    const direction: CrossingDirection = side === 1 ? "positive" : "negative";
    const within = this.crossesWithinLine(line, s.settledPoint, s.runStartPoint);
    s.settled = side;
    s.settledPoint = ground;
    if (!within || !counts(line, direction)) return null;
    if (direction === "positive" ? s.countedPositive : s.countedNegative) return null;
    if (direction === "positive") s.countedPositive = true;
    else s.countedNegative = true;
    return { lineId: line.id, approachId: line.approachId, trackId: track.id, direction, className: track.className, tMs };
  }

  private crossesWithinLine(line: CountingLine, before: PointXY, after: PointXY): boolean {
    const t = crossingFraction(before, after, line.from, line.to);
    if (t === null) return false;
    return t >= -this.settings.endTolerance && t <= 1 + this.settings.endTolerance;
  }
}

function counts(line: CountingLine, direction: CrossingDirection): boolean {
  return line.countDirection === "both" || line.countDirection === direction;
}

function freshState(): TrackLineState {
  return {
    settled: 0,
    settledPoint: [0, 0],
    runSide: 0,
    runFrames: 0,
    runStartPoint: [0, 0],
    countedPositive: false,
    countedNegative: false,
  };
}
