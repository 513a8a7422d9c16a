import type { IntersectionTimingInput } from "../../hub/control/index.js";
import type { Leg } from "../traffic/geometry.js";
import type { Scenario, ScenarioIntersection } from "../traffic/scenario.js";

/**
 * The hub's timing configuration for a scenario intersection, as an engineer would write it from
 * the drawings: which approaches each phase serves, with how many lanes and which share of the
 * approach's measured flow (measures are per approach, not per movement). A protected-left phase
 * carries the approach's left-turn share; the phase running the approach's through traffic carries
 * the rest. Corridor membership (common cycle, progression towards increasing x) for scenarios
 * whose intersections share an arterial.
 */
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
    return {
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
  const main = x.phases.find((p) => p.movements.some((m) => m.approach === "W" && m.turn === "through"));
  const west = x.approaches.W;
  const corridor =
    options.corridorId && main && west
      ? { id: options.corridorId, positionM: x.position.xM - Math.min(...scenario.intersections.map((i) => i.position.xM)), progressionSpeedKmh: west.speedLimitKmh, mainPhase: main.phase }
      : undefined;
  return {
    intersectionId: x.id,
    policy: options.policy ?? "webster",
    minCycleS: 40,
    // 75 s, not 90: on the corridor hour (3 seeds, truth-fed hub) the longer cycle the hub picks
    // at the peak cost every minor movement more than it saved the main street (hub vs Webster
    // fixed: −5 %, −18 %, −22 % at 75 s; +4 %, −14 %, −19 % at 90 s). See docs/benchmarks.md.
    maxCycleS: 75,
    phases,
    ...(corridor ? { corridor } : {}),
    planValidityS: 300,
    planRefreshS: 60,
  };
}
