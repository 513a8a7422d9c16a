import { PlanBody, formatIssues } from "../../protocol/index.js";
import type { IntersectionTiming } from "./config.js";
import { changeIntervalS, effectiveMinGreenS, EPSILON_S, minSplitS } from "./phase-limits.js";

/** Splits may miss `cycleS` by this much; the edge controller allows the same. */
export const CYCLE_TOLERANCE_S = 0.1;

export type RuleCheck = { ok: true } | { ok: false; errors: string[] };

/**
 * The edge controller's rules, checked before a plan leaves the hub: a well-formed plan, every
 * phase of the sequence present (but omitted ones, which must be permissive-capable and have no
 * split) and no other, each split at least min green (with pedestrian walk and clearance) + yellow
 * + red clearance, each green at most max green, splits adding up to the cycle, and the offset
 * inside the cycle. Each error names the field it is about.
 */
export function checkPlanAgainstRules(config: IntersectionTiming, plan: PlanBody): RuleCheck {
  const parsed = PlanBody.safeParse(plan);
  if (!parsed.success) return { ok: false, errors: [formatIssues("plan", parsed.error)] };
  const body = parsed.data;
  const errors: string[] = [];
  const sequence = config.phases.map((p) => p.phase).join(", ");
  const known = new Set(config.phases.map((p) => String(p.phase)));
  for (const key of Object.keys(body.splitsS)) {
    if (!known.has(key)) errors.push(`plan.splitsS.${key}: phase ${key} is not in the sequence (${sequence})`);
  }
  const omitted = new Set<number>();
  for (const n of body.omitPhases ?? []) {
    const phase = config.phases.find((p) => p.phase === n);
    if (phase === undefined) errors.push(`plan.omitPhases: phase ${n} is not in the sequence (${sequence})`);
    else if (phase.permissive === undefined) errors.push(`plan.omitPhases: phase ${n} may not be omitted (no permissive alternative configured)`);
    else if (body.splitsS[String(n)] !== undefined) errors.push(`plan.splitsS.${n}: phase ${n} is omitted and must have no split`);
    omitted.add(n);
  }
  let sumS = 0;
  let complete = true;
  for (const phase of config.phases) {
    const key = String(phase.phase);
    if (omitted.has(phase.phase)) continue;
    const splitS = body.splitsS[key];
    if (splitS === undefined) {
      errors.push(`plan.splitsS: phase ${key} has no split; every phase of the sequence (${sequence}) needs one`);
      complete = false;
      continue;
    }
    sumS += splitS;
    const greenS = splitS - changeIntervalS(phase);
    if (splitS < minSplitS(phase) - EPSILON_S) {
      errors.push(
        `plan.splitsS.${key}: split ${round(splitS)} s is below its minimum ${round(minSplitS(phase))} s = green ${round(effectiveMinGreenS(phase))} s + yellow ${phase.yellowS} s + red clearance ${phase.redClearanceS} s`,
      );
    } else if (greenS > phase.maxGreenS + EPSILON_S) {
      errors.push(`plan.splitsS.${key}: split ${round(splitS)} s gives a green of ${round(greenS)} s, above max green ${phase.maxGreenS} s`);
    }
  }
  if (complete && Math.abs(sumS - body.cycleS) > CYCLE_TOLERANCE_S) {
    errors.push(`plan.cycleS: splits add up to ${round(sumS)} s but the cycle is ${round(body.cycleS)} s (they must match within ${CYCLE_TOLERANCE_S} s)`);
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

function round(s: number): number {
  return Math.round(s * 100) / 100;
}
