import { computeCorridorPlans, uniformDemand } from "../../hub/control/index.js";
import { FixedTimeSignals } from "../traffic/fixed-time-signals.js";
import { TrafficSimulation } from "../traffic/simulation.js";
import type { Scenario } from "../traffic/scenario.js";
import type { FixedPlan } from "./intersection-control.js";
import { plannedTimingOf } from "./planned-timing.js";

/** Corridor scenarios (several intersections on one east–west arterial) plan as one corridor. */
export function corridorIdOf(scenario: Scenario): string | undefined {
  const ys = new Set(scenario.intersections.map((x) => x.position.yM));
  return scenario.intersections.length > 1 && ys.size === 1 ? "arterial" : undefined;
}

/**
 * The fixed-time plans a traffic engineer would set by hand: count the traffic (a run of the
 * simulation with default timings, ground-truth stop-line counts), then time each intersection
 * Webster-optimally for its average flows, with a common cycle and progression offsets along a
 * corridor. This is the baseline adaptive control has to beat.
 */
export function engineerPlans(scenario: Scenario, seed: number, durationS: number): Record<string, FixedPlan & { reason: string }> {
  const counts: Record<string, Record<string, number>> = {};
  const sim = new TrafficSimulation(scenario, new FixedTimeSignals(scenario), { seed });
  const stepS = 0.5;
  for (let t = 0; t < durationS; t += stepS) {
    for (const c of sim.step(stepS)) {
      const perApproach = (counts[c.intersectionId] ??= {});
      perApproach[c.approach] = (perApproach[c.approach] ?? 0) + 1;
    }
  }
  const corridorId = corridorIdOf(scenario);
  const inputs = scenario.intersections.map((x) => {
    const timing = plannedTimingOf(scenario, x, corridorId ? { corridorId } : {});
    // A fixed-time plan runs the intersection's phasing as designed: protected lefts were put in
    // because the peak warrants them (ITE's left × opposing flow guideline), so the engineer does
    // not drop them for the hour's average; only the adaptive hub leaves them out when not warranted.
    const config = { ...timing, phases: timing.phases.map(({ permissive: _, ...p }) => p) };
    const flows = Object.fromEntries(Object.entries(counts[x.id] ?? {}).map(([a, n]) => [a, (n * 3600) / durationS]));
    return { config, demand: uniformDemand(config, flows), nowMs: 0 };
  });
  const results = computeCorridorPlans(inputs);
  return Object.fromEntries(
    results.map((r, i) => [
      inputs[i]!.config.intersectionId,
      { cycleS: r.plan.cycleS, splitsS: r.plan.splitsS, offsetS: r.plan.offsetS, reason: `engineer's fixed plan from counted average flows: ${r.plan.reason}` },
    ]),
  );
}
