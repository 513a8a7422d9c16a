import type { PhaseOccupancy } from "./detector-events.js";
import { sortedGroups, type Grouped } from "./detectors.js";
import type { PhaseCycles } from "./phase-cycles.js";
import type { SplitFailures } from "./schemas.js";

/** Both ratios above this (strictly) make a split failure: ATSPM's 79 %, i.e. 80 % and up. */
export const SPLIT_FAILURE_THRESHOLD = 0.79;
/** The red occupancy window after the end of yellow. */
export const RED_WINDOW_MS = 5000;


export function splitFailures(cycles: ReadonlyMap<number, PhaseCycles>, occupancy: Grouped<PhaseOccupancy>): SplitFailures[] {
  const out: SplitFailures[] = [];
  for (const { phase, approachId, value: occ } of sortedGroups(occupancy)) {
    const pc = cycles.get(phase);
    if (pc === undefined) continue;
    const r: SplitFailures = { phase, approachId, greenStartMs: [], greenOccupancy: [], redOccupancy: [], failed: [], cycles: 0, failures: 0, percentFailed: 0 };
    for (let k = 0; k < pc.greenMs.length; k++) {
      const g = pc.greenMs[k];
      const y = pc.yellowMs[k];
      const red = pc.redMs[k];
      if (y <= g) continue;
      // Query times must not go back: green start, yellow, red, red + 5 s are increasing.
      const atG = occ.occupiedUntil(g);
      const atY = occ.occupiedUntil(y);
      const atRed = occ.occupiedUntil(red);
      const atRedEnd = occ.occupiedUntil(red + RED_WINDOW_MS);
      const gor = (atY - atG) / (y - g);
      const ror = (atRedEnd - atRed) / RED_WINDOW_MS;
      const failed = gor > SPLIT_FAILURE_THRESHOLD && ror > SPLIT_FAILURE_THRESHOLD;
      r.greenStartMs.push(g);
      r.greenOccupancy.push(gor);
      r.redOccupancy.push(ror);
      r.failed.push(failed);
      r.cycles++;
      if (failed) r.failures++;
    }
    r.percentFailed = r.cycles === 0 ? 0 : (r.failures / r.cycles) * 100;
    out.push(r);
  }
  return out;
}
