import type { Measures } from "../../protocol/index.js";

/** Intersection x1's measures: `eastWest` vehicles on E and W (queued), `northSouth` on N and S. */
export function measuresAt(seq: number, ts: number, eastWest: number, northSouth: number): Measures {
  return {
    ts,
    seq,
    intersectionId: "x1",
    intervalMs: 5000,
    modelId: "test",
    framesProcessed: 25,
    approaches: [
      { approachId: "E", count: eastWest, countsByClass: {}, queue: 1, occupancy: 0.2 },
      { approachId: "W", count: eastWest, countsByClass: {}, queue: 1, occupancy: 0.2 },
      { approachId: "N", count: northSouth, countsByClass: {}, queue: 0, occupancy: 0.1 },
      { approachId: "S", count: northSouth, countsByClass: {}, queue: 0, occupancy: 0.1 },
    ],
  };
}
