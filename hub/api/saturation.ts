import type { Measures, PlanBody } from "../../protocol/index.js";
import type { IntersectionTiming } from "../control/index.js";

/** One phase's service of one approach, with what the capacity formula needs, resolved once per intersection. */
interface Movement {
  approachId: string;
  phase: string;
  lanes: number;
  share: number;
  /** Yellow + red clearance + extra lost time: the split less this is effective green. */
  lostS: number;
}

/** The timing configuration reduced to what `degreeOfSaturation` reads on the hot path. */
export interface CapacityModel {
  saturationFlowVehPerHourPerLane: number;
  movements: Movement[];
}

export function capacityModelOf(timing: IntersectionTiming): CapacityModel {
  const movements: Movement[] = [];
  for (const p of timing.phases) {
    for (const a of p.approaches) {
      movements.push({
        approachId: a.approachId,
        phase: String(p.phase),
        lanes: a.lanes,
        share: a.share,
        lostS: p.yellowS + p.redClearanceS + timing.extraLostTimePerPhaseS,
      });
    }
  }
  return { saturationFlowVehPerHourPerLane: timing.saturationFlowVehPerHourPerLane, movements };
}

type PlanTiming = Pick<PlanBody, "cycleS" | "splitsS">;

function flowVehPerHour(count: number, intervalMs: number): number {
  return (count * 3_600_000) / intervalMs;
}

/**
 * Degree of saturation X = flow / capacity, the max over every approach a phase serves, where
 * capacity = lanes × saturation flow × effective green / cycle. Flow is `smoothedFlow`'s (veh/h)
 * where it has one: one measuring interval is far shorter than a cycle, so its count swings from
 * nothing (red) to saturation flow (a queue discharging) and X with it. Without a plan or a timing
 * model (a fallback plan, an unconfigured intersection) the highest occupancy stands in for it, as
 * a loop detector's occupancy does. Null with no measures.
 */
export function degreeOfSaturation(
  model: CapacityModel | null,
  measures: Measures | null,
  plan: PlanTiming | null,
  smoothedFlow: (approachId: string) => number | undefined = () => undefined,
): number | null {
  if (measures === null || measures.approaches.length === 0) return null;
  if (model !== null && plan !== null && model.movements.length > 0) {
    let worst = -1;
    for (const m of model.movements) {
      const split = plan.splitsS[m.phase];
      if (split === undefined) continue;
      const greenS = split - m.lostS;
      if (greenS <= 0) continue;
      const approach = measures.approaches.find((a) => a.approachId === m.approachId);
      if (approach === undefined) continue;
      const capacity = m.lanes * model.saturationFlowVehPerHourPerLane * (greenS / plan.cycleS);
      const flow = smoothedFlow(m.approachId) ?? flowVehPerHour(approach.count, measures.intervalMs);
      const x = (flow * m.share) / capacity;
      if (x > worst) worst = x;
    }
    if (worst >= 0) return round3(worst);
  }
  let occupancy = 0;
  for (const a of measures.approaches) if (a.occupancy > occupancy) occupancy = a.occupancy;
  return round3(occupancy);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
