import { formatIssues } from "./validation.js";
import { PlanBody } from "./schemas.js";

/**
 * The rules a timing plan must keep, in one place: the hub checks every plan with them before it
 * sends it, and the edge controller checks every plan with them again before it applies one (it
 * never trusts the hub). Pure: plain data in, plain data out.
 */

/** What the rules read of one phase: its timing limits and whether a plan may leave it out. */
export interface PhaseRules {
  phase: number;
  minGreenS: number;
  maxGreenS: number;
  yellowS: number;
  redClearanceS: number;
  pedWalkS?: number | undefined;
  pedClearanceS?: number | undefined;
  /** The controller lets a plan omit it (`omitPhases`): another phase serves all its movements. */
  omittable: boolean;
}

/** The timing limits alone (phase-limit arithmetic needs no omission flag). */
export type PhaseLimits = Omit<PhaseRules, "omittable">;

/** Splits may miss `cycleS` by this much (the hub rounds splits to whole seconds or tenths). */
export const CYCLE_TOLERANCE_S = 0.1;

/** Float slack when comparing seconds computed from sums of decimals. */
export const EPSILON_S = 1e-9;

/** Shortest green that still serves the phase's pedestrians: walk and clearance time inside the green. */
export function effectiveMinGreenS(phase: PhaseLimits): number {
  return Math.max(phase.minGreenS, (phase.pedWalkS ?? 0) + (phase.pedClearanceS ?? 0));
}

/** Yellow plus red clearance: the part of a NEMA split that is not green. */
export function changeIntervalS(phase: PhaseLimits): number {
  return phase.yellowS + phase.redClearanceS;
}

/** Green seconds a split leaves once the phase's yellow and red clearance are taken out. */
export function greenFromSplitS(phase: PhaseLimits, splitS: number): number {
  return splitS - changeIntervalS(phase);
}

/** Smallest NEMA split the phase accepts. */
export function minSplitS(phase: PhaseLimits): number {
  return effectiveMinGreenS(phase) + changeIntervalS(phase);
}

/** Largest NEMA split the phase accepts. */
export function maxSplitS(phase: PhaseLimits): number {
  return phase.maxGreenS + changeIntervalS(phase);
}

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

/** A broken rule, with the path (below the plan, or the fallback plan) of the field that breaks it. */
export interface SplitIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The rules for a set of splits: every phase of the sequence present (except the omitted ones,
 * which must be omittable and have no split) and no other, each green within [min green (with
 * pedestrian time), max green], and the splits adding up to the cycle within CYCLE_TOLERANCE_S.
 */
export function splitIssues(
  phases: readonly PhaseRules[],
  splitsS: Readonly<Record<string, number>>,
  cycleS: number,
  omitPhases: readonly number[] = [],
): SplitIssue[] {
  const issues: SplitIssue[] = [];
  const known = new Set(phases.map((p) => String(p.phase)));
  const sequence = phases.map((p) => p.phase).join(", ");
  for (const key of Object.keys(splitsS)) {
    if (!known.has(key)) issues.push({ path: ["splitsS", key], message: `phase ${key} is not in the controller's sequence (${sequence})` });
  }
  const omitted = new Set<number>();
  omitPhases.forEach((n, i) => {
    const phase = phases.find((p) => p.phase === n);
    if (phase === undefined) issues.push({ path: ["omitPhases", i], message: `phase ${n} is not in the controller's sequence (${sequence})` });
    else if (!phase.omittable) issues.push({ path: ["omitPhases", i], message: `phase ${n} may not be omitted (not omittable in the controller's configuration)` });
    else if (splitsS[String(n)] !== undefined) issues.push({ path: ["splitsS", String(n)], message: `phase ${n} is omitted and must have no split` });
    omitted.add(n);
  });
  let sumS = 0;
  let complete = true;
  for (const phase of phases) {
    const key = String(phase.phase);
    if (omitted.has(phase.phase)) continue;
    const splitS = splitsS[key];
    if (splitS === undefined) {
      issues.push({ path: ["splitsS"], message: `phase ${key} has no split; every phase of the sequence (${sequence}) not omitted needs one` });
      complete = false;
      continue;
    }
    if (!Number.isFinite(splitS)) {
      issues.push({ path: ["splitsS", key], message: `expected a finite number of seconds, got ${String(splitS)}` });
      complete = false;
      continue;
    }
    sumS += splitS;
    const minS = minSplitS(phase);
    const greenS = greenFromSplitS(phase, splitS);
    if (splitS < minS - EPSILON_S) {
      const ped = phase.pedWalkS !== undefined ? ` (min green ${phase.minGreenS} s, pedestrian walk ${phase.pedWalkS} s + clearance ${phase.pedClearanceS ?? 0} s)` : "";
      issues.push({
        path: ["splitsS", key],
        message: `phase ${key} split ${round(splitS)} s is below its minimum ${round(minS)} s = green ${round(effectiveMinGreenS(phase))} s${ped} + yellow ${phase.yellowS} s + red clearance ${phase.redClearanceS} s`,
      });
    } else if (greenS > phase.maxGreenS + EPSILON_S) {
      issues.push({ path: ["splitsS", key], message: `phase ${key} split ${round(splitS)} s gives a green of ${round(greenS)} s, above its max green ${phase.maxGreenS} s` });
    }
  }
  const omissionsValid = issues.every((i) => i.path[0] !== "omitPhases");
  if (complete && omissionsValid && Number.isFinite(cycleS) && Math.abs(sumS - cycleS) > CYCLE_TOLERANCE_S) {
    issues.push({ path: ["cycleS"], message: `splits add up to ${round(sumS)} s but the cycle is ${round(cycleS)} s (they must match within ${CYCLE_TOLERANCE_S} s)` });
  }
  return issues;
}

export type PlanRulesCheck = { ok: true; plan: PlanBody } | { ok: false; plan: PlanBody | null; errors: string[] };

/**
 * A plan (anything off the wire or out of the planner) against a controller's phases: a
 * well-formed plan body (offset inside the cycle included), then `splitIssues`. Each error names
 * its field (`plan.splitsS.4: …`). Time (validity, clock skew) is each side's own business.
 */
export function checkPlanRules(phases: readonly PhaseRules[], plan: unknown): PlanRulesCheck {
  const parsed = PlanBody.safeParse(plan);
  if (!parsed.success) return { ok: false, plan: null, errors: [formatIssues("plan", parsed.error)] };
  const body = parsed.data;
  const errors = splitIssues(phases, body.splitsS, body.cycleS, body.omitPhases).map((issue) => `plan.${issue.path.join(".")}: ${issue.message}`);
  return errors.length === 0 ? { ok: true, plan: body } : { ok: false, plan: body, errors };
}

function round(s: number): number {
  return Math.round(s * 100) / 100;
}
