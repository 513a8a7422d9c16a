import type { PhaseConfig } from "./config.js";

/** A broken timing rule, with the path (below the plan or fallback) of the field that breaks it. */
export interface SplitIssue {
  path: (string | number)[];
  message: string;
}

/** Splits may miss `cycleS` by this much (rounding in the hub). */
export const CYCLE_TOLERANCE_S = 0.1;

/** Shortest green that still serves the phase's pedestrians: walk and clearance time inside the green. */
export function effectiveMinGreenS(phase: PhaseConfig): number {
  return Math.max(phase.minGreenS, (phase.pedWalkS ?? 0) + (phase.pedClearanceS ?? 0));
}

/** Green seconds a split leaves once the phase's yellow and red clearance are taken out. */
export function greenFromSplitS(phase: PhaseConfig, splitS: number): number {
  return splitS - phase.yellowS - phase.redClearanceS;
}

/** Smallest NEMA split the phase accepts. */
export function minSplitS(phase: PhaseConfig): number {
  return effectiveMinGreenS(phase) + phase.yellowS + phase.redClearanceS;
}

/**
 * The controller's own rules for a set of splits, whoever sent them: every phase of the sequence
 * present (except the omitted ones, which must be omittable and have no split) and no other, each
 * green within [min green (with pedestrian time), max green], and the splits adding up to the cycle.
 */
export function splitIssues(
  phases: readonly PhaseConfig[],
  splitsS: Readonly<Record<string, number>>,
  cycleS: number,
  omitPhases: readonly number[] = [],
): SplitIssue[] {
  const issues: SplitIssue[] = [];
  const known = new Set(phases.map((p) => String(p.phase)));
  const sequence = phases.map((p) => p.phase).join(", ");
  for (const key of Object.keys(splitsS)) {
    if (!known.has(key)) {
      issues.push({ path: ["splitsS", key], message: `phase ${key} is not in this controller's sequence (${sequence})` });
    }
  }
  const omitted = new Set<number>();
  omitPhases.forEach((n, i) => {
    const phase = phases.find((p) => p.phase === n);
    if (phase === undefined) issues.push({ path: ["omitPhases", i], message: `phase ${n} is not in this controller's sequence (${sequence})` });
    else if (!phase.omittable) issues.push({ path: ["omitPhases", i], message: `phase ${n} may not be omitted (not omittable in this controller's configuration)` });
    else if (splitsS[String(n)] !== undefined) issues.push({ path: ["splitsS", String(n)], message: `phase ${n} is omitted and must have no split` });
    omitted.add(n);
  });
  let sumS = 0;
  for (const phase of phases) {
    const key = String(phase.phase);
    if (omitted.has(phase.phase)) continue;
    const splitS = splitsS[key];
    if (splitS === undefined) {
      issues.push({ path: ["splitsS"], message: `phase ${key} has no split; every phase of the sequence (${sequence}) not omitted needs one` });
      continue;
    }
    if (!Number.isFinite(splitS)) {
      issues.push({ path: ["splitsS", key], message: `expected a finite number of seconds, got ${String(splitS)}` });
      continue;
    }
    sumS += splitS;
    const minS = minSplitS(phase);
    const greenS = greenFromSplitS(phase, splitS);
    if (splitS < minS - 1e-9) {
      const ped = phase.pedWalkS !== undefined ? ` (min green ${phase.minGreenS} s, pedestrian walk ${phase.pedWalkS} s + clearance ${phase.pedClearanceS ?? 0} s)` : "";
      issues.push({
        path: ["splitsS", key],
        message: `phase ${key} split ${round(splitS)} s is below its minimum ${round(minS)} s = green ${round(effectiveMinGreenS(phase))} s${ped} + yellow ${phase.yellowS} s + red clearance ${phase.redClearanceS} s`,
      });
    } else if (greenS > phase.maxGreenS + 1e-9) {
      issues.push({
        path: ["splitsS", key],
        message: `phase ${key} split ${round(splitS)} s gives a green of ${round(greenS)} s, above its max green ${phase.maxGreenS} s`,
      });
    }
  }
  const complete = issues.every((i) => i.path.length !== 1 && i.path[0] !== "omitPhases");
  if (complete && Number.isFinite(cycleS) && Math.abs(sumS - cycleS) > CYCLE_TOLERANCE_S) {
    issues.push({
      path: ["cycleS"],
      message: `splits add up to ${round(sumS)} s but the cycle is ${round(cycleS)} s (they must match within ${CYCLE_TOLERANCE_S} s)`,
    });
  }
  return issues;
}

function round(s: number): number {
  return Math.round(s * 100) / 100;
}
