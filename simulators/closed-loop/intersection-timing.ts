import type { IntersectionTimingInput } from "../../hub/control/index.js";
import { oppositeLeg, type Leg } from "../traffic/geometry.js";
import type { Scenario, ScenarioIntersection } from "../traffic/scenario.js";

/**
 * The hub's timing configuration for a scenario intersection, as an engineer would write it from
 * the drawings: which approaches each phase serves, with how many lanes and which share of the
 * approach's measured flow (measures are per approach, not per movement). A protected-left phase
 * carries the approach's left-turn share; the phase running the approach's through traffic carries
 * the rest. Corridor membership (common cycle, progression towards increasing x) for scenarios
 * whose intersections share an arterial.
 */
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

export function timingConfigOf(
  scenario: Scenario,
  x: ScenarioIntersection,
  options: { corridorId?: string; policy?: "webster" | "max-pressure" } = {},
): IntersectionTimingInput {
  const protectedLeft = new Set<Leg>();
  for (const p of x.phases) {
    if (p.movements.every((m) => m.turn === "left")) for (const m of p.movements) protectedLeft.add(m.approach);
  }
  const phases = x.phases.map((p) => {
    const legs = [...new Set(p.movements.map((m) => m.approach))];
    const leftOnly = p.movements.every((m) => m.turn === "left");
    // A protected left whose turns another phase also runs (permissive) may be left out by the hub.
    const opposing = !(leftOnly && omittablePhase(x, p))
      ? []
      : legs.flatMap((leg) => {
          const other = oppositeLeg(leg);
          const lanes = x.approaches[other]?.lanes.through;
          return lanes === undefined ? [] : [{ approachId: leg, opposingApproachId: other, opposingLanes: Math.max(1, lanes) }];
        });
    return {
      ...(opposing.length > 0 ? { permissive: { opposing } } : {}),
      phase: p.phase,
      minGreenS: p.minGreenS,
      maxGreenS: p.maxGreenS,
      yellowS: p.yellowS,
      redClearanceS: p.redClearanceS,
      ...(p.pedWalkS !== undefined ? { pedWalkS: p.pedWalkS } : {}),
      ...(p.pedClearanceS !== undefined ? { pedClearanceS: p.pedClearanceS } : {}),
      approaches: legs.flatMap((leg) => {
        const a = x.approaches[leg];
        if (!a) return [];
        const leftShare = a.turning.left ?? 0;
        if (leftOnly) return [{ approachId: leg, lanes: Math.max(1, a.lanes.left), share: leftShare }];
        const share = protectedLeft.has(leg) ? 1 - leftShare : 1;
        return [{ approachId: leg, lanes: Math.max(1, a.lanes.through + (protectedLeft.has(leg) ? 0 : a.lanes.left)), share }];
      }),
    };
  });
  const main = mainPhaseOf(x);
  const west = x.approaches.W;
  const corridor =
    options.corridorId && main && west
      ? { id: options.corridorId, positionM: x.position.xM - Math.min(...scenario.intersections.map((i) => i.position.xM)), progressionSpeedKmh: west.speedLimitKmh, mainPhase: main.phase }
      : undefined;
  return {
    intersectionId: x.id,
    policy: options.policy ?? "webster",
    minCycleS: 40,
    // 66 s: on the corridor hour (truth-fed hub, seeds 7, 1, 2, 4, 6, 9) the longer cycles Webster
    // asks for at the peak cost the side streets, which bring more than half the vehicles, more
    // than they save Main St. Sum of avgDelayS over the six seeds: 326 s at 60, 304 at 63 and 66,
    // 313 at 70, 318 at 75. See docs/experiments/log.md.
    maxCycleS: 66,
    phases,
    ...(corridor ? { corridor } : {}),
    planValidityS: 300,
    planRefreshS: 60,
  };
}
