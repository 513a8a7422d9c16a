import type { PhaseCycles } from "./phase-cycles.js";
import { sortedPhases } from "./termination.js";
import type { SplitMonitor } from "./schemas.js";


export function splitMonitor(cycles: ReadonlyMap<number, PhaseCycles>): SplitMonitor[] {
  return sortedPhases(cycles).map((pc) => {
    const n = pc.greenMs.length;
    const splitS: number[] = new Array<number>(n);
    const greenS: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const endMs = Number.isNaN(pc.redClearanceEndMs[i]) ? pc.redMs[i] : pc.redClearanceEndMs[i];
      splitS[i] = (endMs - pc.greenMs[i]) / 1000;
      greenS[i] = (pc.yellowMs[i] - pc.greenMs[i]) / 1000;
    }
    const sorted = Float64Array.from(splitS).sort();
    return {
      phase: pc.phase,
      greenStartMs: pc.greenMs.slice(),
      splitS,
      greenS,
      programmedSplitS: pc.programmedSplitS.map((s) => (Number.isNaN(s) ? null : s)),
      termination: pc.termination.slice(),
      averageSplitS: n === 0 ? 0 : splitS.reduce((a, b) => a + b, 0) / n,
      p50SplitS: percentile(sorted, 0.5),
      p85SplitS: percentile(sorted, 0.85),
    };
  });
}

/** Nearest-rank percentile of sorted values; 0 when empty. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
