/** The timing limits of one phase, as the hub's configuration and the edge controller both state them. */
export interface PhaseLimits {
  phase: number;
  minGreenS: number;
  maxGreenS: number;
  yellowS: number;
  redClearanceS: number;
  pedWalkS?: number | undefined;
  pedClearanceS?: number | undefined;
}

/** Shortest green that still serves the phase's pedestrians: walk and clearance time inside the green. */
export function effectiveMinGreenS(phase: PhaseLimits): number {
  return Math.max(phase.minGreenS, (phase.pedWalkS ?? 0) + (phase.pedClearanceS ?? 0));
}

/** Yellow plus red clearance: the part of a NEMA split that is not green. */
export function changeIntervalS(phase: PhaseLimits): number {
  return phase.yellowS + phase.redClearanceS;
}

export function minSplitS(phase: PhaseLimits): number {
  return effectiveMinGreenS(phase) + changeIntervalS(phase);
}

export function maxSplitS(phase: PhaseLimits): number {
  return phase.maxGreenS + changeIntervalS(phase);
}

/** Float slack when comparing seconds computed from sums of decimals. */
export const EPSILON_S = 1e-9;

/**
 * The splits a phase may get once rounded to whole seconds. A phase whose allowed range holds no
 * whole second (min green = max green with a 3.5 s yellow, say) keeps one exact split instead.
 */
export type SplitRange = { kind: "whole"; loS: number; hiS: number } | { kind: "exact"; splitS: number };

export function splitRangeS(phase: PhaseLimits): SplitRange {
  const loS = Math.ceil(minSplitS(phase) - EPSILON_S);
  const hiS = Math.floor(maxSplitS(phase) + EPSILON_S);
  return loS <= hiS ? { kind: "whole", loS, hiS } : { kind: "exact", splitS: minSplitS(phase) };
}

/** Shortest and longest cycle whose rounded splits can keep every phase within its limits. */
export function cycleRangeS(phases: readonly PhaseLimits[]): { minS: number; maxS: number } {
  let minS = 0;
  let maxS = 0;
  for (const range of phases.map(splitRangeS)) {
    minS += range.kind === "whole" ? range.loS : range.splitS;
    maxS += range.kind === "whole" ? range.hiS : range.splitS;
  }
  return { minS, maxS };
}
