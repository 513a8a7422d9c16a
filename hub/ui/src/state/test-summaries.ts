import type { IntersectionSummary } from "../net/contract.js";

/** A summary with every field filled; tests override what they are about. */
export function summary(id: string, fields: Partial<IntersectionSummary> = {}): IntersectionSummary {
  return {
    intersectionId: id,
    region: "r1",
    name: `Street ${id}`,
    position: { xM: 0, yM: 0 },
    online: true,
    mode: "adaptive",
    planId: "p1",
    cycleS: 90,
    groups: { "E-through": "G", "N-through": "R" },
    activePhases: [2],
    degreeOfSaturation: 0.5,
    queueVeh: 3,
    activeAlarms: 0,
    lastSeenMs: 1_000,
    signalTs: 1_000,
    cycleSecond: 12,
    ...fields,
  };
}
