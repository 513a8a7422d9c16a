import { z } from "zod";
import { parseOrThrow, type VehicleClass } from "../../../protocol/index.js";
import { iou } from "./geometry.js";
import type { Box, Detection, TrackedVehicle } from "./types.js";

export const TrackerOptions = z
  .object({
    /** Detections at or above this score are trusted: matched first and allowed to start tracks. */
    highScore: z.number().min(0).max(1).default(0.5),
    /** Detections between this and `highScore` only extend existing tracks (ByteTrack's second pass). */
    lowScore: z.number().min(0).max(1).default(0.1),
    /** Least IoU between a track's predicted box and a high-score detection to match them. */
    matchIou: z.number().gt(0).max(1).default(0.3),
    /** Least IoU for a low-score match; stricter, since low scores are often clutter. */
    lowMatchIou: z.number().gt(0).max(1).default(0.5),
    /** Matches before a track is confirmed (counted, shown as a vehicle). */
    minHits: z.number().int().min(1).default(3),
    /** A confirmed track missed for more than this many frames is dropped. */
    maxAge: z.number().int().min(0).default(10),
    /** An unconfirmed track missed for more than this many frames is dropped (ghosts die young). */
    maxAgeUnconfirmed: z.number().int().min(0).default(2),
    /** Weight of the newest motion in the smoothed velocity (1 = no smoothing). */
    velocitySmoothing: z.number().gt(0).max(1).default(0.5),
  })
  .refine((o) => o.lowScore <= o.highScore, { message: "lowScore must not exceed highScore", path: ["lowScore"] });
export type TrackerOptionsInput = z.input<typeof TrackerOptions>;
export type TrackerSettings = z.output<typeof TrackerOptions>;

/** A tracked vehicle as of the latest frame. */
export interface Track extends TrackedVehicle {
  /** The detection's box when seen this frame; the constant-velocity prediction while missed. */
  box: Box;
  /** Majority class over the track's detections (ties go to the most recent). */
  className: VehicleClass;
  classId: number;
  /** Score of the latest matched detection. */
  score: number;
  hits: number;
  /** Frames since the track was born. */
  ageFrames: number;
  firstSeenTMs: number;
  lastSeenTMs: number;
}

interface TrackState {
  id: number;
  /** Last observed box. */
  box: Box;
  vx: number;
  vy: number;
  hits: number;
  misses: number;
  ageFrames: number;
  score: number;
  votes: Map<VehicleClass, number>;
  classIds: Map<VehicleClass, number>;
  lastClass: VehicleClass;
  confirmed: boolean;
  firstSeenTMs: number;
  lastSeenTMs: number;
  /** Where the track is expected this frame; recomputed at the start of each update. */
  predicted: Box;
}

function shifted(box: Box, dx: number, dy: number): Box {
  return { x1: box.x1 + dx, y1: box.y1 + dy, x2: box.x2 + dx, y2: box.y2 + dy };
}

/**
 * Greedy association on IoU, best pairs first. Hungarian assignment is not needed at traffic
 * densities where boxes of one lane rarely overlap a neighbour's prediction more than their own.
 */
function greedyMatch(
  tracks: readonly TrackState[],
  detections: readonly Detection[],
  minIou: number,
): { pairs: [TrackState, Detection][]; unmatchedTracks: TrackState[]; unmatchedDetections: Detection[] } {
  const candidates: { score: number; t: number; d: number }[] = [];
  for (let t = 0; t < tracks.length; t++) {
    for (let d = 0; d < detections.length; d++) {
      const overlap = iou(tracks[t].predicted, detections[d].box);
      if (overlap >= minIou) candidates.push({ score: overlap, t, d });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  const trackUsed = new Array<boolean>(tracks.length).fill(false);
  const detUsed = new Array<boolean>(detections.length).fill(false);
  const pairs: [TrackState, Detection][] = [];
  for (const c of candidates) {
    if (trackUsed[c.t] || detUsed[c.d]) continue;
    trackUsed[c.t] = true;
    detUsed[c.d] = true;
    pairs.push([tracks[c.t], detections[c.d]]);
  }
  return {
    pairs,
    unmatchedTracks: tracks.filter((_, i) => !trackUsed[i]),
    unmatchedDetections: detections.filter((_, i) => !detUsed[i]),
  };
}

/**
 * ByteTrack-style multi-object tracker: confirmed tracks take high-score detections first, then
 * low-score ones; unconfirmed tracks take what high-score detections remain; the rest start tracks.
 * One `update` is one frame: velocities are in px per frame.
 */
export class Tracker {
  readonly settings: TrackerSettings;
  private tracks: TrackState[] = [];
  private nextId = 1;

  constructor(options: TrackerOptionsInput = {}) {
    this.settings = parseOrThrow(TrackerOptions, options, "tracker");
  }

  update(detections: readonly Detection[], tMs: number): Track[] {
    const s = this.settings;
    for (const t of this.tracks) {
      const ahead = t.misses + 1;
      t.predicted = shifted(t.box, t.vx * ahead, t.vy * ahead);
    }
    const high: Detection[] = [];
    const low: Detection[] = [];
    for (const d of detections) {
      if (d.score >= s.highScore) high.push(d);
      else if (d.score >= s.lowScore) low.push(d);
    }

    const confirmed = this.tracks.filter((t) => t.confirmed);
    const tentative = this.tracks.filter((t) => !t.confirmed);
    const first = greedyMatch(confirmed, high, s.matchIou);
    const second = greedyMatch(first.unmatchedTracks, low, s.lowMatchIou);
    const third = greedyMatch(tentative, first.unmatchedDetections, s.matchIou);
    const matched = new Set<TrackState>();
    for (const [track, det] of [...first.pairs, ...second.pairs, ...third.pairs]) {
      this.observe(track, det, tMs);
      matched.add(track);
    }
    for (const t of this.tracks) {
      t.ageFrames++;
      if (!matched.has(t)) t.misses++;
    }
    this.tracks = this.tracks.filter((t) => t.misses <= (t.confirmed ? s.maxAge : s.maxAgeUnconfirmed));
    for (const d of third.unmatchedDetections) this.tracks.push(this.birth(d, tMs));
    return this.tracks.map((t) => this.snapshot(t));
  }

  /** Live tracks, without advancing a frame. */
  current(): Track[] {
    return this.tracks.map((t) => this.snapshot(t));
  }

  private observe(t: TrackState, det: Detection, tMs: number): void {
    const frames = t.misses + 1;
    const dx = ((det.box.x1 + det.box.x2) / 2 - (t.box.x1 + t.box.x2) / 2) / frames;
    const dy = ((det.box.y1 + det.box.y2) / 2 - (t.box.y1 + t.box.y2) / 2) / frames;
    // The first motion sample replaces the zero start velocity instead of being averaged with it.
    const a = t.hits === 1 ? 1 : this.settings.velocitySmoothing;
    t.vx = a * dx + (1 - a) * t.vx;
    t.vy = a * dy + (1 - a) * t.vy;
    t.box = { ...det.box };
    t.hits++;
    t.misses = 0;
    t.score = det.score;
    t.lastSeenTMs = tMs;
    this.vote(t, det);
    if (t.hits >= this.settings.minHits) t.confirmed = true;
  }

  private vote(t: TrackState, det: Detection): void {
    t.votes.set(det.className, (t.votes.get(det.className) ?? 0) + 1);
    t.classIds.set(det.className, det.classId);
    t.lastClass = det.className;
  }

  private birth(det: Detection, tMs: number): TrackState {
    const t: TrackState = {
      id: this.nextId++,
      box: { ...det.box },
      vx: 0,
      vy: 0,
      hits: 1,
      misses: 0,
      ageFrames: 0,
      score: det.score,
      votes: new Map(),
      classIds: new Map(),
      lastClass: det.className,
      confirmed: this.settings.minHits <= 1,
      firstSeenTMs: tMs,
      lastSeenTMs: tMs,
      predicted: det.box,
    };
    this.vote(t, det);
    return t;
  }

  private snapshot(t: TrackState): Track {
    let className = t.lastClass;
    let best = t.votes.get(className) ?? 0;
    for (const [cls, n] of t.votes) {
      if (n > best) {
        best = n;
        className = cls;
      }
    }
    const box = t.misses === 0 ? { ...t.box } : shifted(t.box, t.vx * t.misses, t.vy * t.misses);
    return {
      id: t.id,
      box,
      className,
      classId: t.classIds.get(className) ?? -1,
      score: t.score,
      confirmed: t.confirmed,
      hits: t.hits,
      misses: t.misses,
      ageFrames: t.ageFrames,
      velocity: { x: t.vx, y: t.vy },
      firstSeenTMs: t.firstSeenTMs,
      lastSeenTMs: t.lastSeenTMs,
    };
  }
}
