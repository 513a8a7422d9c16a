import type { IntersectionTiming } from "./config.js";
import { changeIntervalS, type PlanBody } from "../../protocol/index.js";

export interface SmoothedFrom {
  fromCycleS: number;
  /** The cycle the policy asked for before the change was limited. */
  targetCycleS: number;
  /** True when the cycle change was cut to `maxCycleChangeS`. */
  cycleLimited: boolean;
  /** True when the running cycle was kept because the target was within `cycleHoldFraction` of it. */
  cycleHeld: boolean;
  /** Weight the new green shares got against the previous plan's. */
  weight: number;
}

export interface Smoothed {
  cycleS: number;
  weights: number[];
  smoothed: SmoothedFrom | null;
}

/**
 * The previous plan, if smoothing should start from it: one still in force (the edge runs it, not
 * its fallback) and made for this sequence of phases.
 */
export function smoothingBase(config: IntersectionTiming, previous: PlanBody | null | undefined, nowMs: number): PlanBody | null {
  if (previous === null || previous === undefined || previous.validUntil <= nowMs) return null;
  const keys = Object.keys(previous.splitsS);
  const sameSequence = keys.length === config.phases.length && config.phases.every((p) => previous.splitsS[String(p.phase)] !== undefined);
  return sameSequence ? previous : null;
}

/**
 * Move from the previous plan towards the target without jumps: the cycle changes by at most
 * `maxCycleChangeS` (whole seconds) per plan, and each phase's share of the effective green is
 * blended, weight × new + (1 − weight) × previous. Limits are applied after this (the greens are
 * allocated within min/max green from the blended shares), so blending never breaks a minimum.
 */
export function smoothTowards(
  config: IntersectionTiming,
  target: { cycleS: number; weights: readonly number[] },
  previous: PlanBody | null,
): Smoothed {
  if (previous === null) return { cycleS: target.cycleS, weights: [...target.weights], smoothed: null };
  const { maxCycleChangeS, weight, cycleHoldFraction } = config.smoothing;
  const stepS = Math.round(target.cycleS) - previous.cycleS;
  const limitS = Math.max(1, Math.floor(maxCycleChangeS));
  const cycleHeld = Math.abs(stepS) <= cycleHoldFraction * previous.cycleS;
  const cycleLimited = !cycleHeld && Math.abs(stepS) > limitS;
  const cycleS = cycleHeld ? previous.cycleS : cycleLimited ? previous.cycleS + Math.sign(stepS) * limitS : target.cycleS;
  const extraS = config.extraLostTimePerPhaseS;
  const before = shares(config.phases.map((p) => Math.max(0, previous.splitsS[String(p.phase)] - changeIntervalS(p) - extraS)));
  const after = shares(target.weights);
  return {
    cycleS,
    weights: after.map((s, i) => weight * s + (1 - weight) * before[i]),
    smoothed: { fromCycleS: previous.cycleS, targetCycleS: target.cycleS, cycleLimited, cycleHeld, weight },
  };
}

/** Fractions adding up to 1; equal when all are zero. */
function shares(values: readonly number[]): number[] {
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  return values.map((v) => (total > 0 ? Math.max(0, v) / total : 1 / values.length));
}
