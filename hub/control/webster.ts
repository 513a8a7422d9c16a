import type { IntersectionTiming } from "./config.js";
import type { PhaseDemand } from "./demand.js";
import { lostTimeS } from "./splits.js";

/** Webster's optimum cycle C0 = (1.5 L + 5) / (1 − Y); null when Y ≥ 1 (no finite cycle serves the demand). */
export function websterCycleS(lostS: number, sumY: number): number | null {
  return sumY < 1 ? (1.5 * lostS + 5) / (1 - sumY) : null;
}

export interface WebsterTarget {
  /** Lost time per cycle (s). */
  L: number;
  /** Σ critical ratios, standing queues included: what sets the cycle and the splits. */
  Y: number;
  /** Σ critical ratios from counted flow alone (the textbook Y). */
  flowY: number;
  /** What the cycle is set from: Σ of the longer-horizon flow ratios (`cycleFrom: flow`) or `Y`. */
  cycleY: number;
  C0: number | null;
  /** C0 within [minCycleS, maxCycleS]; maxCycleS when oversaturated. Not yet rounded. */
  cycleS: number;
  /** Y ≥ the configured threshold: run the maximum cycle and share green so queues balance. */
  oversaturated: boolean;
  boundedBy: "min-cycle" | "max-cycle" | null;
  /** Green weights per phase, in sequence order: the critical ratios, queues included. */
  weights: number[];
}

/**
 * Webster's cycle and green weights. Splits follow the critical ratios with the standing-queue
 * term, so when the intersection is oversaturated (at the maximum cycle) each phase's green
 * grows with the queue it must clear: queues are worked down in step rather than one starving.
 */
export function websterTarget(config: IntersectionTiming, demands: readonly PhaseDemand[]): WebsterTarget {
  const L = lostTimeS(config.phases, config.extraLostTimePerPhaseS);
  const Y = demands.reduce((s, d) => s + d.demandRatio, 0);
  const flowY = demands.reduce((s, d) => s + d.flowRatio, 0);
  const cycleY = config.cycleFrom === "flow" ? demands.reduce((s, d) => s + d.cycleFlowRatio, 0) : Y;
  const C0 = websterCycleS(L, cycleY);
  const bounded = boundedCycle(config, C0, cycleY);
  return { L, Y, flowY, cycleY, C0, ...bounded, weights: demands.map((d) => d.demandRatio) };
}

/**
 * The cycle over which standing queues are counted. Queues add queue × 3600 / C to the flows, so
 * Y falls as C grows while Webster's cycle grows with Y: solve C = bounded Webster(Y(C)) by
 * bisection (the right side never increases with C, so there is one crossing). Without queues
 * this is plain Webster; with a standing queue it is the cycle that serves the flow and clears
 * the queue within one cycle, or the maximum cycle when none can.
 */
export function queueConsistentCycleS(config: IntersectionTiming, sumYAt: (cycleS: number) => number): number {
  const L = lostTimeS(config.phases, config.extraLostTimePerPhaseS);
  const wanted = (cycleS: number): number => {
    const Y = sumYAt(cycleS);
    return boundedCycle(config, websterCycleS(L, Y), Y).cycleS;
  };
  let lo = config.minCycleS;
  let hi = config.maxCycleS;
  if (wanted(hi) >= hi) return hi;
  if (wanted(lo) <= lo) return lo;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (wanted(mid) > mid) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Webster's cycle for a Y within the configured cycle bounds. */
export function boundedCycle(
  config: IntersectionTiming,
  C0: number | null,
  sumY: number,
): { cycleS: number; oversaturated: boolean; boundedBy: WebsterTarget["boundedBy"] } {
  if (C0 === null || sumY >= config.oversaturationY) return { cycleS: config.maxCycleS, oversaturated: true, boundedBy: "max-cycle" };
  if (C0 < config.minCycleS) return { cycleS: config.minCycleS, oversaturated: false, boundedBy: "min-cycle" };
  if (C0 > config.maxCycleS) return { cycleS: config.maxCycleS, oversaturated: false, boundedBy: "max-cycle" };
  return { cycleS: C0, oversaturated: false, boundedBy: null };
}
