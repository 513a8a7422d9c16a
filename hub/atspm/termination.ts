import type { PhaseCycles } from "./phase-cycles.js";
import type { PhaseTermination } from "./schemas.js";


export function phaseTermination(cycles: ReadonlyMap<number, PhaseCycles>): PhaseTermination[] {
  const out: PhaseTermination[] = [];
  for (const pc of sortedPhases(cycles)) {
    const t: PhaseTermination = { phase: pc.phase, gapOut: 0, maxOut: 0, forceOff: 0, unknown: 0, endsMs: pc.yellowMs.slice(), codes: pc.termination.slice() };
    for (const c of pc.termination) {
      if (c === 4) t.gapOut++;
      else if (c === 5) t.maxOut++;
      else if (c === 6) t.forceOff++;
      else t.unknown++;
    }
    out.push(t);
  }
  return out;
}

export function sortedPhases(cycles: ReadonlyMap<number, PhaseCycles>): PhaseCycles[] {
  return [...cycles.values()].sort((a, b) => a.phase - b.phase);
}
