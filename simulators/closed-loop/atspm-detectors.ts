import type { AtspmConfigInput } from "../../hub/atspm/index.js";
import { HIRES } from "../../protocol/index.js";
import { LEGS, laneTurns, type Leg, type NetworkSnapshot, type ScenarioIntersection } from "../traffic/index.js";

/** Stop-bar presence detectors: 12 m (40 ft) from the stop line back, as ATSPM's split failure measure expects. */
export const STOP_BAR_LENGTH_M = 12;
/** Advance detectors: a 2 m loop this far upstream (ATSPM guidance: 350–400 ft, beyond the usual queue), or shorter on a short approach. */
export const ADVANCE_DISTANCE_M = 110;
export const ADVANCE_LENGTH_M = 2;
/** Channels start here, clear of the controller's own detector channels (1…). */
export const FIRST_ATSPM_CHANNEL = 101;

/** One simulated detector on one lane of an approach: what the camera or a loop would report. */
export interface SimDetector {
  channel: number;
  phase: number;
  kind: "stop-bar" | "advance";
  approach: Leg;
  lane: number;
  /** The zone, in metres upstream of the stop line. */
  fromM: number;
  toM: number;
  speedKmh: number;
}

/**
 * A stop-bar and an advance detector on every lane that carries through traffic, assigned to the
 * phase serving the approach's through movement: ATSPM's usual layout (left-turn lanes have
 * their own phase and are left out of arrivals on green).
 */
export function atspmDetectorsOf(x: ScenarioIntersection): SimDetector[] {
  const out: SimDetector[] = [];
  let channel = FIRST_ATSPM_CHANNEL;
  for (const leg of LEGS) {
    const a = x.approaches[leg];
    if (a === undefined) continue;
    const phase = x.phases.find((p) => p.movements.some((m) => m.approach === leg && m.turn === "through"))?.phase;
    if (phase === undefined) continue;
    const advanceM = Math.min(ADVANCE_DISTANCE_M, a.lengthM - 10);
    laneTurns(a.lanes).forEach((turns, lane) => {
      if (!turns.includes("through")) return;
      out.push({ channel: channel++, phase, kind: "stop-bar", approach: leg, lane, fromM: 0, toM: STOP_BAR_LENGTH_M, speedKmh: a.speedLimitKmh });
      out.push({ channel: channel++, phase, kind: "advance", approach: leg, lane, fromM: advanceM, toM: advanceM + ADVANCE_LENGTH_M, speedKmh: a.speedLimitKmh });
    });
  }
  return out;
}

/** The hub-side ATSPM configuration for those detectors. */
export function atspmConfigOf(detectors: readonly SimDetector[]): AtspmConfigInput {
  return {
    detectors: detectors.map((d) => ({
      channel: d.channel,
      phase: d.phase,
      kind: d.kind,
      approachId: d.approach,
      // A vehicle's front turns the detector on at its upstream edge: that is the distance to the stop bar.
      ...(d.kind === "advance" ? { distanceM: d.toM, speedKmh: d.speedKmh } : {}),
    })),
  };
}

/**
 * Samples the simulated detectors once per step and reports each change as event 82 (on) or 81
 * (off), stamped with the step's time, as a camera's virtual detector sampled at the frame rate would.
 */
export class DetectorProbe {
  private readonly on = new Map<string, boolean[]>();

  constructor(private readonly detectors: ReadonlyMap<string, readonly SimDetector[]>) {}

  observe(snapshot: NetworkSnapshot, nowMs: number, emit: (intersectionId: string, code: number, channel: number, tsMs: number) => void): void {
    for (const x of snapshot.intersections) {
      const list = this.detectors.get(x.id);
      if (list === undefined) continue;
      let state = this.on.get(x.id);
      if (state === undefined) this.on.set(x.id, (state = list.map(() => false)));
      for (let i = 0; i < list.length; i++) {
        const d = list[i];
        const lane = x.approaches.find((a) => a.approach === d.approach)?.lanes[d.lane];
        let occupied = false;
        for (const v of lane?.vehicles ?? []) {
          if (v.distanceM >= d.toM) break; // vehicles are in order from the stop line back
          if (v.distanceM + v.lengthM > d.fromM) {
            occupied = true;
            break;
          }
        }
        if (occupied === state[i]) continue;
        state[i] = occupied;
        emit(x.id, occupied ? HIRES.detectorOn : HIRES.detectorOff, d.channel, nowMs);
      }
    }
  }
}
