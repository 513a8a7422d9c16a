import type { PhaseLimits } from "../../protocol/index.js";

export interface CorridorMember {
  intersectionId: string;
  positionM: number;
  progressionSpeedKmh: number;
}

export interface Progression {
  /** Travel time from the corridor's first intersection (smallest position), seconds. */
  travelS: number;
}

/**
 * Travel time of a platoon from the corridor's first intersection (smallest `positionM`) to each
 * member, link by link, each link at the progression speed of the intersection it arrives at.
 * With one speed this is (positionM − positionM_first) / speed.
 */
export function travelTimesS(members: readonly CorridorMember[]): Map<string, Progression> {
  const ordered = [...members].sort((a, b) => a.positionM - b.positionM || a.intersectionId.localeCompare(b.intersectionId));
  const out = new Map<string, Progression>();
  let travelS = 0;
  ordered.forEach((m, i) => {
    if (i > 0) travelS += (m.positionM - ordered[i - 1].positionM) / (m.progressionSpeedKmh / 3.6);
    out.set(m.intersectionId, { travelS });
  });
  return out;
}

/** Seconds from the start of the cycle (the first phase's green) to the start of `mainPhase`'s green. */
export function mainPhaseStartS(phases: readonly PhaseLimits[], splitsS: readonly number[], mainPhase: number): number {
  let startS = 0;
  for (let i = 0; i < phases.length; i++) {
    if (phases[i].phase === mainPhase) return startS;
    startS += splitsS[i];
  }
  throw new Error(`phase ${mainPhase} is not in the sequence`);
}

/**
 * The plan offset that puts the main phase's green start `travelS` after the corridor's zero
 * point. The edge controller starts each cycle (the first phase's green) `offsetS` seconds after
 * floor(nowS / cycleS) × cycleS, so the main phase's green begins offsetS + mainPhaseStartS
 * later; hence offsetS = (travelS − mainPhaseStartS) mod cycleS, rounded to whole seconds.
 */
export function progressionOffsetS(travelS: number, mainStartS: number, cycleS: number): number {
  const offsetS = Math.round(mod(travelS - mainStartS, cycleS));
  return offsetS >= cycleS ? 0 : offsetS;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
