import type { HubTimingInput } from "../../hub/control/index.js";
import { oppositeLeg, type Leg } from "../traffic/geometry.js";
import type { Scenario, ScenarioIntersection } from "../traffic/scenario.js";

/** The phase that runs Main Street's through traffic (eastbound, from the W leg): a corridor's coordinated phase. */
export function mainPhaseOf(x: ScenarioIntersection): ScenarioIntersection["phases"][number] | undefined {
  return x.phases.find((p) => p.movements.some((m) => m.approach === "W" && m.turn === "through"));
}

/** A phase whose every movement another phase also serves: leaving it out strands nobody. */
export function omittablePhase(x: ScenarioIntersection, phase: ScenarioIntersection["phases"][number]): boolean {
  const key = (m: { approach: Leg; turn: string }): string => `${m.approach}-${m.turn}`;
  const elsewhere = new Set(x.phases.filter((q) => q !== phase).flatMap((q) => q.movements.map(key)));
  return phase.pedWalkS === undefined && phase.movements.every((m) => elsewhere.has(key(m)));
}

/**
 * The approaches a phase serves, with lanes and the share of each approach's measured flow it
 * carries: a protected-left phase carries its approach's left-turn share, the phase running that
 * approach's through traffic the rest (measures are per approach, not per movement). The
 * controller publishes these with its phases (`…/config`); the hub plans from them.
 */
export function phaseApproachesOf(x: ScenarioIntersection, phase: ScenarioIntersection["phases"][number]): { approachId: string; lanes: number; share: number }[] {
  const protectedLeft = new Set<Leg>();
  for (const p of x.phases) {
    if (p.movements.every((m) => m.turn === "left")) for (const m of p.movements) protectedLeft.add(m.approach);
  }
  const leftOnly = phase.movements.every((m) => m.turn === "left");
  return [...new Set(phase.movements.map((m) => m.approach))].flatMap((leg) => {
    const a = x.approaches[leg];
    if (!a) return [];
    const leftShare = a.turning.left ?? 0;
    if (leftOnly) return [{ approachId: leg, lanes: Math.max(1, a.lanes.left), share: leftShare }];
    const share = protectedLeft.has(leg) ? 1 - leftShare : 1;
    return [{ approachId: leg, lanes: Math.max(1, a.lanes.through + (protectedLeft.has(leg) ? 0 : a.lanes.left)), share }];
  });
}

/**
 * The hub's own settings for a scenario intersection (no phases: those are the controller's,
 * published on `…/config`): cycle bounds, the permissive-left guideline of each protected left
 * another phase also runs, and corridor membership (common cycle, progression towards increasing
 * x) for scenarios whose intersections share an arterial.
 */
export function hubTimingOf(
  scenario: Scenario,
  x: ScenarioIntersection,
  options: { corridorId?: string; policy?: "webster" | "max-pressure" } = {},
): HubTimingInput {
  const permissiveLefts = x.phases.flatMap((p) => {
    const leftOnly = p.movements.every((m) => m.turn === "left");
    if (!(leftOnly && omittablePhase(x, p))) return [];
    // A protected left whose turns another phase also runs (permissive) may be left out by the hub.
    const opposing = [...new Set(p.movements.map((m) => m.approach))].flatMap((leg) => {
      const other = oppositeLeg(leg);
      const lanes = x.approaches[other]?.lanes.through;
      return lanes === undefined ? [] : [{ approachId: leg, opposingApproachId: other, opposingLanes: Math.max(1, lanes) }];
    });
    return opposing.length > 0 ? [{ phase: p.phase, opposing }] : [];
  });
  const main = mainPhaseOf(x);
  const west = x.approaches.W;
  const corridor =
    options.corridorId && main && west
      ? { id: options.corridorId, positionM: x.position.xM - Math.min(...scenario.intersections.map((i) => i.position.xM)), progressionSpeedKmh: west.speedLimitKmh, mainPhase: main.phase }
      : undefined;
  return {
    policy: options.policy ?? "webster",
    // The schema's floor: the engine bounds every plan's cycle by the minimum splits of the phases
    // it runs, so the shortest cycle is the phases' own, not a constant above it (40 s made the
    // light grid's plans 40 s cycles at Webster's C0 of ~20 s: bench:policy --scenario grid hub
    // 46.4 -> 35.6 s/veh, the corridor unchanged; docs/experiments/policy-sumo.md).
    minCycleS: 20,
    // 66 s: on the corridor hour (truth-fed hub, seeds 7, 1, 2, 4, 6, 9) the longer cycles Webster
    // asks for at the peak cost the side streets, which bring more than half the vehicles, more
    // than they save Main St. Sum of avgDelayS over the six seeds: 326 s at 60, 304 at 63 and 66,
    // 313 at 70, 318 at 75. See docs/experiments/log.md.
    maxCycleS: 66,
    ...(permissiveLefts.length > 0 ? { permissiveLefts } : {}),
    ...(corridor ? { corridor } : {}),
    planValidityS: 300,
    planRefreshS: 60,
  };
}
