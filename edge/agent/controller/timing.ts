import type { PlanBody } from "../../../protocol/index.js";
import type { ControllerConfig, PhaseConfig } from "./config.js";
import { effectiveMinGreenS, greenFromSplitS } from "../../../protocol/index.js";

/** The timing the sequencer runs: a checked hub plan or the local fallback plan. */
export interface CycleTiming {
  source: "plan" | "fallback";
  planId: string | null;
  /**
   * fixed: greens from the splits; actuated: greens from detector calls (the fallback's up to
   * max green; a plan's up to its split's green, `planOperation: actuated`);
   * coordinated: the splits' force-offs, with gap-out before them (hub plans, `coordination` set).
   */
  operation: "fixed" | "actuated" | "coordinated";
  /** The coordinated phase's index in the sequence (coordinated operation), else null. */
  coordinatedIndex: number | null;
  cycleS: number;
  offsetS: number;
  splitsS: Readonly<Record<string, number>>;
  /** Green of each phase, by index in the sequence (0 for an omitted phase). */
  greensS: readonly number[];
  /** By index in the sequence: left out of every cycle (the plan's `omitPhases`). */
  omitted: readonly boolean[];
  /**
   * When the plan stops running, on the controller's monotonic clock: its validity at receipt,
   * at most the backup time after the last good plan arrived. Infinity for the local plan.
   */
  expiresAtMs: number;
  /** ATSPM pattern number for event 131. */
  patternNumber: number;
}

/** ATSPM's pattern numbers for the local free-running plan and for flash. */
export const PATTERN_FREE = 254;
export const PATTERN_FLASH = 255;
export const PATTERN_LOCAL_FIXED = 253;

/** Timing of a plan that `checkPlan` accepted, running until `expiresAtMs` (monotonic). */
export function timingFromPlan(config: ControllerConfig, plan: PlanBody, patternNumber: number, expiresAtMs: number): CycleTiming {
  const phases = config.phases;
  const actuated = config.planOperation === "actuated";
  const coordinatedIndex = config.coordination === undefined || actuated ? -1 : phases.findIndex((p) => p.phase === config.coordination?.phase);
  const omitted = phases.map((p) => plan.omitPhases?.includes(p.phase) ?? false);
  return {
    source: "plan",
    planId: plan.planId,
    operation: actuated ? "actuated" : coordinatedIndex === -1 ? "fixed" : "coordinated",
    coordinatedIndex: coordinatedIndex === -1 ? null : coordinatedIndex,
    cycleS: plan.cycleS,
    offsetS: plan.offsetS,
    splitsS: plan.splitsS,
    greensS: greensFromSplits(phases, plan.splitsS, omitted),
    omitted,
    expiresAtMs,
    patternNumber,
  };
}

export function fallbackTiming(config: ControllerConfig): CycleTiming {
  const f = config.fallback;
  return {
    source: "fallback",
    planId: null,
    operation: f.mode,
    coordinatedIndex: null,
    cycleS: f.cycleS,
    offsetS: f.offsetS,
    splitsS: f.splitsS,
    greensS: greensFromSplits(config.phases, f.splitsS, config.phases.map(() => false)),
    omitted: config.phases.map(() => false),
    expiresAtMs: Number.POSITIVE_INFINITY,
    patternNumber: f.mode === "actuated" ? PATTERN_FREE : PATTERN_LOCAL_FIXED,
  };
}

/** Plans named "1".."252" keep their number; others get one from a rolling counter. */
export function patternNumberFor(planId: string, counter: number): number {
  const n = /^\d{1,3}$/.test(planId) ? Number(planId) : 0;
  return n >= 1 && n <= 252 ? n : (counter % 252) + 1;
}

export function sameTiming(a: CycleTiming, plan: PlanBody): boolean {
  const keys = Object.keys(plan.splitsS);
  // Checked plans give exactly the phases they do not omit a split, so equal splits mean equal omissions.
  return (
    a.planId === plan.planId &&
    a.cycleS === plan.cycleS &&
    a.offsetS === plan.offsetS &&
    keys.length === Object.keys(a.splitsS).length &&
    keys.every((k) => a.splitsS[k] === plan.splitsS[k])
  );
}

function greensFromSplits(phases: readonly PhaseConfig[], splitsS: Readonly<Record<string, number>>, omitted: readonly boolean[]): number[] {
  return phases.map((p, i) => {
    if (omitted[i]) return 0;
    const splitS = splitsS[String(p.phase)] ?? 0;
    return clamp(greenFromSplitS(p, splitS), effectiveMinGreenS(p), p.maxGreenS);
  });
}

/**
 * Greens for the cycle starting at `nowMs` (wall clock: the grid's clock), stretched or squeezed within [min, max] green so the
 * cycle ends where the offset says cycles start: (t/1000 − offsetS) mod cycleS = 0. Late ticks and
 * plan changes put the controller out of step; each cycle takes the shorter way back.
 */
export function offsetCorrectedGreens(phases: readonly PhaseConfig[], timing: CycleTiming, nowMs: number): number[] {
  const base = [...timing.greensS];
  if (timing.operation !== "fixed") return base;
  const cycleS = timing.cycleS;
  const lateS = secondsIntoCycle(timing, nowMs);
  if (lateS < 0.05 || cycleS - lateS < 0.05) return base;
  // An omitted phase neither gives nor takes time.
  const minS = phases.map((p, i) => (timing.omitted[i] ? 0 : effectiveMinGreenS(p)));
  const maxS = phases.map((p, i) => (timing.omitted[i] ? 0 : p.maxGreenS));
  const shortCapS = base.reduce((sum, g, i) => sum + Math.max(0, g - minS[i]), 0);
  const longCapS = base.reduce((sum, g, i) => sum + Math.max(0, maxS[i] - g), 0);
  const preferShort = lateS <= cycleS - lateS;
  const shorten = preferShort ? shortCapS > 0 : longCapS === 0;
  const deltaS = shorten ? -Math.min(lateS, shortCapS) : Math.min(cycleS - lateS, longCapS);
  const capS = shorten ? shortCapS : longCapS;
  if (capS <= 0) return base;
  return base.map((g, i) => {
    const room = shorten ? Math.max(0, g - minS[i]) : Math.max(0, maxS[i] - g);
    return clamp(g + (deltaS * room) / capS, minS[i], maxS[i]);
  });
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Seconds since the last cycle start the offset puts on the grid: (t − offsetS) mod cycleS. */
export function secondsIntoCycle(timing: Pick<CycleTiming, "cycleS" | "offsetS">, nowMs: number): number {
  return mod(nowMs / 1000 - timing.offsetS, timing.cycleS);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
