import type { IntersectionTiming } from "./config.js";
import type { DemandState } from "./demand.js";

export interface PhasePressure {
  phase: number;
  /** Σ over served approaches of share × (upstream queue − downstream queue), floored at 0 (vehicles). */
  pressureVeh: number;
  upstreamVeh: number;
  downstreamVeh: number;
}

/**
 * Max-pressure weights per phase, in sequence order. The downstream queue of a movement is the
 * queue on the neighbour's approach it feeds, when the configuration names it and that
 * neighbour's demand is known; otherwise 0 (traffic leaves the network).
 *
 * Simplification: real max-pressure control picks the next phase at every step from the current
 * pressures. Here pressure only shapes the splits of a cycle-based plan, which the edge
 * controller can check and run safely (fixed sequence, min/max greens, cycle-boundary changes).
 */
export function phasePressures(
  config: IntersectionTiming,
  demand: DemandState,
  neighbours: Readonly<Record<string, DemandState>> = {},
): PhasePressure[] {
  return config.phases.map((phase) => {
    let upstreamVeh = 0;
    let downstreamVeh = 0;
    for (const a of phase.approaches) {
      upstreamVeh += a.share * (demand.approaches[a.approachId]?.queueVeh ?? 0);
      if (a.downstream !== undefined) {
        downstreamVeh += a.share * (neighbours[a.downstream.intersectionId]?.approaches[a.downstream.approachId]?.queueVeh ?? 0);
      }
    }
    return { phase: phase.phase, pressureVeh: Math.max(0, upstreamVeh - downstreamVeh), upstreamVeh, downstreamVeh };
  });
}
