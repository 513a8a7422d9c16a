import type { Measures } from "../../../protocol/index.js";
import { parseIntersectionTiming, type IntersectionTiming, type IntersectionTimingInput } from "../config.js";
import type { DemandState } from "../demand.js";

export const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

/**
 * Two phases, yellow 3 s + red 2 s each (L = 10 s): phase 2 serves the north–south approaches,
 * phase 4 the east–west ones, one lane each.
 */
export function twoPhase(overrides: Partial<IntersectionTimingInput> = {}): IntersectionTiming {
  return parseIntersectionTiming({
    intersectionId: "main-1st",
    minCycleS: 30,
    maxCycleS: 120,
    phases: [
      { phase: 2, minGreenS: 7, maxGreenS: 60, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "nb", lanes: 1 }, { approachId: "sb", lanes: 1 }] },
      { phase: 4, minGreenS: 7, maxGreenS: 60, yellowS: 3, redClearanceS: 2, approaches: [{ approachId: "eb", lanes: 1 }, { approachId: "wb", lanes: 1 }] },
    ],
    ...overrides,
  });
}

/** Four phases with a protected left turn and a pedestrian phase, fractional change intervals. */
export function fourPhase(overrides: Partial<IntersectionTimingInput> = {}): IntersectionTiming {
  return parseIntersectionTiming({
    intersectionId: "elm-5th",
    phases: [
      { phase: 1, minGreenS: 5, maxGreenS: 15, yellowS: 3, redClearanceS: 1, approaches: [{ approachId: "nb", lanes: 1, share: 0.2 }] },
      { phase: 2, minGreenS: 10, maxGreenS: 50, yellowS: 4, redClearanceS: 2, pedWalkS: 7, pedClearanceS: 12, approaches: [{ approachId: "nb", lanes: 2, share: 0.8 }, { approachId: "sb", lanes: 2 }] },
      { phase: 3, minGreenS: 5, maxGreenS: 15, yellowS: 3, redClearanceS: 1, approaches: [{ approachId: "eb", lanes: 1, share: 0.25 }] },
      { phase: 4, minGreenS: 8, maxGreenS: 40, yellowS: 4, redClearanceS: 1.5, approaches: [{ approachId: "eb", lanes: 1, share: 0.75 }, { approachId: "wb", lanes: 1 }] },
    ],
    ...overrides,
  });
}

/** Demand with the given flow (veh/h) and queue (veh) per approach id. */
export function demandOf(byApproach: Record<string, { flow: number; queue?: number }>): DemandState {
  const approaches: DemandState["approaches"] = Object.fromEntries(
    Object.entries(byApproach).map(([id, d]) => [id, { flowVehPerHour: d.flow, cycleFlowVehPerHour: d.flow, cycleFlowWeight: 1, queueVeh: d.queue ?? 0, occupancy: 0, lastTs: T0 }]),
  );
  return { approaches, lastTs: T0 };
}

export function measures(ts: number, intervalMs: number, byApproach: Record<string, { count: number; queue?: number }>): Measures {
  return {
    ts,
    seq: ts,
    intersectionId: "main-1st",
    intervalMs,
    modelId: "virtual-loop",
    framesProcessed: 100,
    approaches: Object.entries(byApproach).map(([approachId, a]) => ({ approachId, count: a.count, countsByClass: {}, queue: a.queue ?? 0, occupancy: 0.1 })),
  };
}
