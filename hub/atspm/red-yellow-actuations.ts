import type { PhaseCycles } from "./phase-cycles.js";
import { sortedGroups, type Grouped } from "./detectors.js";
import type { RedYellowActuations } from "./schemas.js";


export function redYellowActuations(cycles: ReadonlyMap<number, PhaseCycles>, actuations: Grouped<number[]>): RedYellowActuations[] {
  const out: RedYellowActuations[] = [];
  for (const { phase, approachId, value: list } of sortedGroups(actuations)) {
    const pc = cycles.get(phase);
    if (pc === undefined) continue;
    const r: RedYellowActuations = { phase, approachId, onYellow: 0, onRedClearance: 0, onRed: 0, actuationMs: [], secondsSinceRed: [] };
    // j: the last green begun at or before t; the red after it lasts until green j + 1, which
    // must be in the log (an unfinished red may be cut short by a green not logged yet).
    let j = -1;
    const n = pc.greenMs.length;
    for (const t of list) {
      while (j + 1 < n && pc.greenMs[j + 1] <= t) j++;
      if (j < 0 || t < pc.yellowMs[j]) continue;
      if (t < pc.redMs[j]) r.onYellow++;
      else if (j + 1 >= n) continue;
      else if (t < pc.redClearanceEndMs[j]) r.onRedClearance++;
      else r.onRed++;
      r.actuationMs.push(t);
      r.secondsSinceRed.push((t - pc.redMs[j]) / 1000);
    }
    out.push(r);
  }
  return out;
}

