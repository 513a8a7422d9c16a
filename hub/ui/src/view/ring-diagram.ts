import type { PhaseTiming } from "../net/contract.js";

export interface PhaseSegment {
  phase: number;
  /** Seconds into the cycle, measured from the ring's first phase start. */
  startS: number;
  greenEndS: number;
  yellowEndS: number;
  endS: number;
}

export interface Ring {
  ring: number;
  segments: PhaseSegment[];
}

/** NEMA rings: phases 1–4 in ring 1, 5–8 in ring 2, 9–12 in ring 3, 13–16 in ring 4. */
export function ringOf(phase: number): number {
  return Math.floor((phase - 1) / 4) + 1;
}

/**
 * The ring-and-barrier picture of a plan: each ring's phases in order, each split cut into green,
 * yellow and red clearance (a NEMA split includes its change interval). Phases without a split
 * in the plan are skipped, as the controller skips them.
 */
export function ringsOf(splitsS: Record<string, number>, phases: readonly PhaseTiming[]): Ring[] {
  const timing = new Map(phases.map((p) => [p.phase, p]));
  const byRing = new Map<number, PhaseSegment[]>();
  const ordered = Object.entries(splitsS)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([phase, split]) => Number.isInteger(phase) && split > 0)
    .sort((a, b) => a[0] - b[0]);
  for (const [phase, splitS] of ordered) {
    const ring = ringOf(phase);
    const segments = byRing.get(ring) ?? [];
    const startS = segments.length > 0 ? segments[segments.length - 1]!.endS : 0;
    const t = timing.get(phase);
    const redS = Math.min(t?.redClearanceS ?? 0, splitS);
    const yellowS = Math.min(t?.yellowS ?? 0, splitS - redS);
    const endS = startS + splitS;
    segments.push({ phase, startS, greenEndS: endS - yellowS - redS, yellowEndS: endS - redS, endS });
    byRing.set(ring, segments);
  }
  return [...byRing.entries()].sort((a, b) => a[0] - b[0]).map(([ring, segments]) => ({ ring, segments }));
}

/** Where the cycle marker goes, as a share of the bar (0–1); null when the controller is not cycling. */
export function cycleFraction(cycleSecond: number | null, cycleS: number): number | null {
  if (cycleSecond === null || !(cycleS > 0)) return null;
  const wrapped = ((cycleSecond % cycleS) + cycleS) % cycleS;
  return wrapped / cycleS;
}
