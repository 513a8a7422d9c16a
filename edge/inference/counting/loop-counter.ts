import { z } from "zod";
import { HIRES, parseOrThrow } from "../../../protocol/index.js";
import type { CountSample, CountingZone } from "./types.js";
import type { ZoneState } from "./zone-monitor.js";

export const LoopCounterOptions = z
  .object({
    /** Occupancy fraction at or above which a loop may turn on. */
    onThreshold: z.number().gt(0).max(1).default(0.3),
    /** Occupancy fraction at or below which a loop may turn off; below `onThreshold` (hysteresis). */
    offThreshold: z.number().min(0).lt(1).default(0.15),
    /** Consecutive frames at or above `onThreshold` before the loop turns on. */
    minOnFrames: z.number().int().min(1).default(2),
    /** Consecutive frames at or below `offThreshold` before the loop turns off. */
    minOffFrames: z.number().int().min(1).default(3),
    /**
     * Thresholds for `queue` and `presence` zones, which are long: one waiting car covers only a
     * small share of them, yet must place a call (a stop-bar presence detector's job).
     */
    presenceOnThreshold: z.number().gt(0).max(1).default(0.05),
    presenceOffThreshold: z.number().min(0).lt(1).default(0.02),
  })
  .refine((o) => o.offThreshold < o.onThreshold, {
    message: "offThreshold must be below onThreshold",
    path: ["offThreshold"],
  });
export type LoopCounterOptionsInput = z.input<typeof LoopCounterOptions>;
export type LoopCounterSettings = z.output<typeof LoopCounterOptions>;

/** A loop turning on or off, with the hi-res detector event code (82 on, 81 off). */
export interface LoopEvent {
  zoneId: string;
  approachId: string;
  state: "on" | "off";
  code: typeof HIRES.detectorOn | typeof HIRES.detectorOff;
  /** When the run that switched the loop began, not when it was confirmed: the vehicle arrived then. */
  tMs: number;
}

/** One loop in one frame; a `ZoneState`, so the aggregator takes it as it takes the zone monitor's. */
export interface LoopState extends ZoneState {
  on: boolean;
  /** The raw occupancy fraction the model reported. */
  occupancyFraction: number;
}

export interface LoopFrame {
  loops: LoopState[];
  events: LoopEvent[];
  /** One per loop-kind zone that turned on: each is a vehicle counted. */
  counts: CountSample[];
}

export interface LoopStats {
  zoneId: string;
  approachId: string;
  frames: number;
  onFrames: number;
  /** Share of frames the loop was on, 0–1. */
  occupancyShare: number;
  onCount: number;
}

interface LoopRun {
  on: boolean;
  /** Consecutive frames that argue for switching, and when the first of them came. */
  pendingFrames: number;
  pendingSinceTMs: number;
  frames: number;
  onFrames: number;
  onCount: number;
}

/**
 * Virtual inductive loops over the virtual-loop model's per-zone occupancy fractions. Two
 * thresholds and minimum run lengths keep noise near one threshold from chattering the loop on and
 * off, as detector amplifiers do. Every zone kind gets a loop state and on/off events; only
 * `loop`-kind zones count vehicles. A queue zone's queue is its occupancy fraction × `capacityVeh`.
 */
export class LoopCounter {
  readonly settings: LoopCounterSettings;
  private readonly zones: readonly CountingZone[];
  private readonly runs: LoopRun[];

  constructor(zones: readonly CountingZone[], options: LoopCounterOptionsInput = {}) {
    this.settings = parseOrThrow(LoopCounterOptions, options, "loopCounter");
    this.zones = zones;
    this.runs = zones.map(() => ({ on: false, pendingFrames: 0, pendingSinceTMs: 0, frames: 0, onFrames: 0, onCount: 0 }));
  }

  /** `occupancy[i]` is zone i's occupied fraction (0–1), in the order the zones were given. */
  update(occupancy: ArrayLike<number>, tMs: number): LoopFrame {
    if (occupancy.length !== this.zones.length) {
      throw new RangeError(`loop counter: expected ${this.zones.length} occupancy values, got ${occupancy.length}`);
    }
    const s = this.settings;
    const frame: LoopFrame = { loops: [], events: [], counts: [] };
    for (let i = 0; i < this.zones.length; i++) {
      const zone = this.zones[i];
      const run = this.runs[i];
      const raw = occupancy[i];
      const fraction = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
      const isLoop = zone.kind === "loop";
      const onAt = isLoop ? s.onThreshold : s.presenceOnThreshold;
      const offAt = isLoop ? s.offThreshold : s.presenceOffThreshold;
      const arguesForSwitch = run.on ? fraction <= offAt : fraction >= onAt;
      if (arguesForSwitch) {
        if (run.pendingFrames === 0) run.pendingSinceTMs = tMs;
        run.pendingFrames++;
        if (run.pendingFrames >= (run.on ? s.minOffFrames : s.minOnFrames)) {
          run.on = !run.on;
          run.pendingFrames = 0;
          frame.events.push({
            zoneId: zone.id,
            approachId: zone.approachId,
            state: run.on ? "on" : "off",
            code: run.on ? HIRES.detectorOn : HIRES.detectorOff,
            tMs: run.pendingSinceTMs,
          });
          if (run.on) {
            run.onCount++;
            if (zone.kind === "loop") frame.counts.push({ approachId: zone.approachId });
          }
        }
      } else {
        run.pendingFrames = 0;
      }
      run.frames++;
      if (run.on) run.onFrames++;
      frame.loops.push({
        zoneId: zone.id,
        approachId: zone.approachId,
        kind: zone.kind,
        on: run.on,
        present: run.on,
        vehicles: run.on ? 1 : 0,
        occupancyFraction: fraction,
        occupied: run.on ? 1 : 0,
        // Without a capacity, a full queue zone is taken to hold one vehicle per lane: an underestimate.
        queueVeh: zone.kind === "queue" ? fraction * (zone.capacityVeh ?? zone.lanes) : 0,
      });
    }
    return frame;
  }

  /** Per-loop figures since the last call (or construction), then starts afresh. */
  takeStats(): LoopStats[] {
    return this.zones.map((zone, i) => {
      const run = this.runs[i];
      const stats: LoopStats = {
        zoneId: zone.id,
        approachId: zone.approachId,
        frames: run.frames,
        onFrames: run.onFrames,
        occupancyShare: run.frames === 0 ? 0 : run.onFrames / run.frames,
        onCount: run.onCount,
      };
      run.frames = 0;
      run.onFrames = 0;
      run.onCount = 0;
      return stats;
    });
  }
}
