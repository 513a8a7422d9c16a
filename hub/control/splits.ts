import { changeIntervalS, effectiveMinGreenS, EPSILON_S, splitRangeS, type PhaseLimits } from "../../protocol/index.js";

/**
 * Share `totalS` among phases in proportion to `weights`, each within [lo, hi], cutting what a
 * bound clips and handing it to the others: g_i = clamp(λ·w_i, lo_i, hi_i) with λ such that the
 * greens add up to `totalS` (found by bisection; the sum is monotone in λ). All-zero weights
 * share equally. A total outside [Σlo, Σhi] gets the nearest bound.
 */
export function allocateGreens(totalS: number, weights: readonly number[], loS: readonly number[], hiS: readonly number[]): number[] {
  const sumLo = loS.reduce((s, x) => s + x, 0);
  const sumHi = hiS.reduce((s, x) => s + x, 0);
  if (totalS <= sumLo) return [...loS];
  if (totalS >= sumHi) return [...hiS];
  const sumW = weights.reduce((s, w) => s + Math.max(0, w), 0);
  // A whisker of weight for everyone: a phase with no demand still takes what the others cannot hold.
  // Weights that are all (nearly) zero share equally: a denormal sum would divide by zero below.
  const w = weights.map((x) => (sumW > 1e-9 ? Math.max(0, x) + sumW * 1e-9 : 1));
  const at = (lambda: number): number[] => w.map((wi, i) => Math.min(hiS[i], Math.max(loS[i], lambda * wi)));
  const total = (g: readonly number[]): number => g.reduce((s, x) => s + x, 0);
  let lo = 0;
  let hi = Math.max(...hiS.map((h, i) => Math.abs(h) / w[i])) + 1;
  for (let i = 0; i < 200 && hi - lo > hi * 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (total(at(mid)) < totalS) lo = mid;
    else hi = mid;
  }
  return at(hi);
}

/**
 * Round splits to whole seconds so they add up to exactly `cycleS` and stay within each phase's
 * limits (largest remainder, bounded). Phases with no whole second in range keep their exact split.
 * `cycleS` must come from `wholeCycleS`.
 */
export function roundSplits(phases: readonly PhaseLimits[], targetsS: readonly number[], cycleS: number): number[] {
  const ranges = phases.map(splitRangeS);
  const out = ranges.map((r, i) => (r.kind === "exact" ? r.splitS : Math.min(r.hiS, Math.max(r.loS, Math.floor(targetsS[i])))));
  const fixedS = ranges.reduce((s, r) => s + (r.kind === "exact" ? r.splitS : 0), 0);
  const wholeS = out.reduce((s, x, i) => s + (ranges[i].kind === "whole" ? x : 0), 0);
  let need = Math.round(cycleS - fixedS) - wholeS;
  while (need !== 0) {
    let best = -1;
    for (let i = 0; i < out.length; i++) {
      const r = ranges[i];
      if (r.kind !== "whole") continue;
      const movable = need > 0 ? out[i] < r.hiS : out[i] > r.loS;
      if (!movable) continue;
      // Grow the most short-changed phase, or shrink the most over-served one.
      const gap = targetsS[i] - out[i];
      if (best === -1 || (need > 0 ? gap > targetsS[best] - out[best] : gap < targetsS[best] - out[best])) best = i;
    }
    if (best === -1) throw new Error(`cannot round splits to a ${cycleS} s cycle within the phases' limits`);
    out[best] += need > 0 ? 1 : -1;
    need += need > 0 ? -1 : 1;
  }
  return out;
}

/**
 * The cycle to run for a wanted one: whole seconds (plus any exact splits), within `preferS` where
 * possible, and always one the phases' rounded splits can fill exactly; the phases' limits win
 * over the preferred bounds, since the edge enforces them.
 */
export function wholeCycleS(phases: readonly PhaseLimits[], targetS: number, preferS: { minS: number; maxS: number }): number {
  const ranges = phases.map(splitRangeS);
  const fixedS = ranges.reduce((s, r) => s + (r.kind === "exact" ? r.splitS : 0), 0);
  const loS = ranges.reduce((s, r) => s + (r.kind === "whole" ? r.loS : 0), 0);
  const hiS = ranges.reduce((s, r) => s + (r.kind === "whole" ? r.hiS : 0), 0);
  let whole = Math.round(targetS - fixedS);
  const preferLo = Math.ceil(preferS.minS - fixedS - EPSILON_S);
  const preferHi = Math.floor(preferS.maxS - fixedS + EPSILON_S);
  if (preferLo <= preferHi) whole = Math.min(preferHi, Math.max(preferLo, whole));
  whole = Math.min(hiS, Math.max(loS, whole));
  return whole + fixedS;
}

export interface CycleSplits {
  /** NEMA splits in sequence order: green + yellow + red clearance. */
  splitsS: number[];
  /** Displayed green of each phase after rounding. */
  greensS: number[];
}

/**
 * Splits of a `cycleS` cycle (from `wholeCycleS`) with effective greens in proportion to
 * `weights`. Effective green = displayed green − extra lost time; the total effective green is
 * C − L, L = Σ (yellow + red clearance + extra lost time).
 */
export function splitsForCycle(phases: readonly PhaseLimits[], cycleS: number, weights: readonly number[], extraLostTimeS: number): CycleSplits {
  const lostS = phases.reduce((s, p) => s + changeIntervalS(p) + extraLostTimeS, 0);
  const effective = allocateGreens(
    cycleS - lostS,
    weights,
    phases.map((p) => effectiveMinGreenS(p) - extraLostTimeS),
    phases.map((p) => p.maxGreenS - extraLostTimeS),
  );
  const targets = effective.map((g, i) => g + extraLostTimeS + changeIntervalS(phases[i]));
  const splitsS = roundSplits(phases, targets, cycleS);
  return { splitsS, greensS: splitsS.map((s, i) => s - changeIntervalS(phases[i])) };
}

/** Lost time per cycle: Σ (yellow + red clearance + extra lost time). */
export function lostTimeS(phases: readonly PhaseLimits[], extraLostTimeS: number): number {
  return phases.reduce((s, p) => s + changeIntervalS(p) + extraLostTimeS, 0);
}

export function splitsRecord(phases: readonly PhaseLimits[], splitsS: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  phases.forEach((p, i) => {
    out[String(p.phase)] = splitsS[i];
  });
  return out;
}
