import type { IntersectionTiming, TimingPhase } from "./config.js";
import type { DemandState } from "./demand.js";
import { cycleRangeS } from "../../protocol/index.js";

/**
 * ITE's guideline for protected left-turn phasing: the left-turn flow times the opposing flow
 * (veh/h × veh/h) above 50,000 with one opposing lane, 90,000 with two, 110,000 with three or more.
 */
export function crossProductLimit(opposingLanes: number): number {
  return opposingLanes <= 1 ? 50_000 : opposingLanes === 2 ? 90_000 : 110_000;
}

/** A phase left out comes back once the guideline is reached; one in the plan is left out only below this share of it, so plans do not flip on noise. */
export const OMIT_BELOW_SHARE_OF_LIMIT = 0.8;

export interface PhaseOmission {
  phase: number;
  omitted: boolean;
  /** The largest left-turn × opposing flow over the phase's approaches, veh²/h². */
  crossProduct: number;
  /** The guideline for that approach's opposing lanes. */
  limit: number;
}

/**
 * Which permissive-capable phases (`permissive` in the timing configuration) the plan leaves out:
 * a protected left is left out while its turns can run permissive. Flows are the measured demand;
 * an approach without measures keeps the phase in. `previouslyOmitted`: the phases the running
 * plan leaves out, for the hysteresis. A phase stays in if leaving it out would leave phases that
 * cannot fill the minimum cycle.
 */
export function phaseOmissions(config: IntersectionTiming, demand: DemandState, previouslyOmitted: readonly number[]): PhaseOmission[] {
  const out: PhaseOmission[] = [];
  for (const phase of config.phases) {
    if (phase.permissive === undefined) continue;
    let measured = true;
    let worst = { ratio: 0, crossProduct: 0, limit: 0 };
    for (const o of phase.permissive.opposing) {
      const left = demand.approaches[o.approachId];
      const opposing = demand.approaches[o.opposingApproachId];
      if (left === undefined || opposing === undefined) {
        measured = false;
        break;
      }
      const crossProduct = left.flowVehPerHour * shareOf(phase, o.approachId) * opposing.flowVehPerHour * (1 - shareOf(phase, o.opposingApproachId, 0));
      const limit = crossProductLimit(o.opposingLanes);
      if (crossProduct / limit >= worst.ratio) worst = { ratio: crossProduct / limit, crossProduct, limit };
    }
    const threshold = previouslyOmitted.includes(phase.phase) ? 1 : OMIT_BELOW_SHARE_OF_LIMIT;
    out.push({ phase: phase.phase, omitted: measured && worst.ratio < threshold, crossProduct: Math.round(worst.crossProduct), limit: worst.limit });
  }
  const omitted = new Set(out.filter((o) => o.omitted).map((o) => o.phase));
  if (omitted.size > 0 && cycleRangeS(config.phases.filter((p) => !omitted.has(p.phase))).maxS < config.minCycleS) {
    for (const o of out) o.omitted = false;
  }
  return out;
}

/** The share of an approach's flow the phase carries (its left turns, for a protected-left phase); `absent` when the phase does not serve it. */
function shareOf(phase: TimingPhase, approachId: string, absent = 1): number {
  return phase.approaches.find((a) => a.approachId === approachId)?.share ?? absent;
}
