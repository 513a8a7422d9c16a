/**
 * The synthetic city both hub benches run: one two-phase controller timing for every
 * intersection, laid out on a 100-wide grid 300 m apart. The hub holds only its own settings; the
 * phases are each controller's, published retained as agents do (`publishCityConfigs`).
 */
import type { Hub } from "../hub/hub.js";
import { publishControllerConfigs } from "../hub/test-support/controller-config.js";
import type { ControllerTiming } from "../protocol/index.js";

export const cityIdOf = (i: number): string => `x${i}`;

const timing = { planRefreshS: 10, planValidityS: 60 };

const controller: ControllerTiming = {
  phases: [
    { phase: 2, minGreenS: 10, maxGreenS: 60, yellowS: 4, redClearanceS: 2, omittable: false, approaches: [{ approachId: "E", lanes: 2, share: 1 }] },
    { phase: 4, minGreenS: 8, maxGreenS: 40, yellowS: 3.5, redClearanceS: 2, omittable: false, approaches: [{ approachId: "N", lanes: 1, share: 1 }] },
  ],
  coordinatedPhase: 2,
  planOperation: "coordinated",
};

/** The hub configuration's `intersections` for `n` intersections in `region`. */
export function cityIntersections(n: number, region: string) {
  return Array.from({ length: n }, (_, i) => ({ intersectionId: cityIdOf(i), region, position: { xM: (i % 100) * 300, yM: Math.floor(i / 100) * 300 }, timing }));
}

/** Every intersection's controller configuration, retained on the hub's broker. */
export function publishCityConfigs(hub: Hub, region: string, n: number): Promise<void> {
  return publishControllerConfigs(hub, region, Array.from({ length: n }, (_, i) => cityIdOf(i)), controller);
}

/** Intersection `i`'s measures at its `tick`-th second: known-good, varied a little per intersection and second. */
export function cityMeasures(i: number, id: string, tick: number, ts: number, seq: number) {
  return {
    ts,
    seq,
    intersectionId: id,
    intervalMs: 1000,
    modelId: "bench",
    framesProcessed: 5,
    approaches: [
      { approachId: "E", count: (i + tick) % 3, countsByClass: {}, queue: (i + tick) % 5, occupancy: 0.2 },
      { approachId: "N", count: (i + tick) % 2, countsByClass: {}, queue: 1, occupancy: 0.1 },
    ],
  };
}

/** Its signal, sent every third second: the two phases alternate. */
export function citySignal(id: string, tick: number, ts: number, seq: number) {
  const green = tick % 6 === 0;
  return { ts, seq, intersectionId: id, mode: "adaptive", planId: null, cycleSecond: tick % 60, activePhases: [green ? 2 : 4], groups: { EW: green ? "G" : "R", NS: green ? "R" : "G" } };
}
