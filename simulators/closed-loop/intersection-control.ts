import type { ControllerConfigInput } from "../../edge/agent/controller/index.js";
import type { Leg, Turn } from "../traffic/geometry.js";
import type { ScenarioIntersection } from "../traffic/scenario.js";
import { mainPhaseOf, omittablePhase, phaseApproachesOf } from "./intersection-timing.js";

/** A signal group per movement: `N-through`, `E-left`, … */
export function movementGroupId(approach: Leg, turn: Turn): string {
  return `${approach}-${turn}`;
}

const PERPENDICULAR: Record<Leg, readonly Leg[]> = { N: ["E", "W"], S: ["E", "W"], E: ["N", "S"], W: ["N", "S"] };

/** Every movement a phase of this intersection serves. */
export function movementsOf(x: ScenarioIntersection): { approach: Leg; turn: Turn; group: string }[] {
  const seen = new Map<string, { approach: Leg; turn: Turn; group: string }>();
  for (const p of x.phases) {
    for (const m of p.movements) {
      const group = movementGroupId(m.approach, m.turn);
      seen.set(group, { approach: m.approach, turn: m.turn, group });
    }
  }
  return [...seen.values()];
}

/** Pedestrian signal group of a phase with pedestrian timing: it walks beside that phase's traffic. */
export function pedestrianGroupId(phase: number): string {
  return `P${phase}`;
}

function pedestrianGroupsOf(x: ScenarioIntersection): { group: string; alongside: Leg[] }[] {
  return x.phases
    .filter((p) => p.pedWalkS !== undefined)
    .map((p) => ({ group: pedestrianGroupId(p.phase), alongside: [...new Set(p.movements.map((m) => m.approach))] }));
}

/**
 * The conflict matrix from the geometry, not from the phases: every movement from one approach
 * conflicts with every movement from a perpendicular approach, and a crosswalk conflicts with the
 * traffic of the legs it crosses (perpendicular to the traffic it walks beside). Movements of
 * opposing approaches are compatible (permissive lefts yield by rule), as a cabinet's conflict
 * monitor card programs them for protected-permissive phasing; so are turns across a crosswalk
 * that run beside it (they yield to pedestrians).
 */
export function conflictsOf(x: ScenarioIntersection): [string, string][] {
  const movements = movementsOf(x);
  const pairs: [string, string][] = [];
  for (let i = 0; i < movements.length; i++) {
    for (let j = i + 1; j < movements.length; j++) {
      const a = movements[i]!;
      const b = movements[j]!;
      if (PERPENDICULAR[a.approach].includes(b.approach)) pairs.push([a.group, b.group]);
    }
  }
  for (const ped of pedestrianGroupsOf(x)) {
    for (const m of movements) {
      if (ped.alongside.some((leg) => PERPENDICULAR[leg].includes(m.approach))) pairs.push([ped.group, m.group]);
    }
  }
  return pairs;
}

export interface FixedPlan {
  cycleS: number;
  splitsS: Record<string, number>;
  offsetS: number;
}

/** Halfway between each phase's min and max green, plus its change interval: the sim's default. */
export function defaultPlanOf(x: ScenarioIntersection): FixedPlan {
  const splitsS: Record<string, number> = {};
  let cycleS = 0;
  for (const p of x.phases) {
    const split = Math.round((p.minGreenS + p.maxGreenS) / 2 + p.yellowS + p.redClearanceS);
    splitsS[String(p.phase)] = split;
    cycleS += split;
  }
  return { cycleS, splitsS, offsetS: 0 };
}

/**
 * The edge controller's configuration for a scenario intersection, as a signal engineer would
 * write it: one signal group per movement, the geometric conflict matrix, the phases with their
 * timings and the approaches (lanes, flow share) they serve, detectors (the camera's loop zones on
 * the approaches a phase serves) for actuation, and the local fallback plan. The only place a
 * scenario intersection's phases are written for the project's controllers and hub.
 */
export function controllerConfigOf(
  x: ScenarioIntersection,
  options: { fallback: "fixed" | "actuated"; plan?: FixedPlan; loopZonesOf?: (approach: Leg) => readonly string[] },
): ControllerConfigInput {
  const plan = options.plan ?? defaultPlanOf(x);
  const main = mainPhaseOf(x);
  return {
    signalGroups: [
      ...movementsOf(x).map((m) => ({ id: m.group, kind: "vehicle" as const })),
      ...pedestrianGroupsOf(x).map((p) => ({ id: p.group, kind: "pedestrian" as const })),
    ],
    conflicts: conflictsOf(x),
    phases: x.phases.map((p) => {
      const approaches = [...new Set(p.movements.map((m) => m.approach))];
      return {
        phase: p.phase,
        groups: [
          ...p.movements.map((m) => movementGroupId(m.approach, m.turn)),
          ...(p.pedWalkS !== undefined ? [pedestrianGroupId(p.phase)] : []),
        ],
        minGreenS: p.minGreenS,
        maxGreenS: p.maxGreenS,
        yellowS: p.yellowS,
        redClearanceS: p.redClearanceS,
        ...(p.pedWalkS !== undefined ? { pedWalkS: p.pedWalkS } : {}),
        ...(p.pedClearanceS !== undefined ? { pedClearanceS: p.pedClearanceS } : {}),
        detectors: options.loopZonesOf ? approaches.flatMap((a) => options.loopZonesOf!(a)) : [],
        ...(omittablePhase(x, p) ? { omittable: true } : {}),
        approaches: phaseApproachesOf(x, p),
      };
    }),
    fallback: { mode: options.fallback, cycleS: plan.cycleS, splitsS: plan.splitsS, offsetS: plan.offsetS },
    // Hub plans run coordinated-actuated around the main street's phase, as a signal engineer
    // would set a coordinated arterial's controllers up; the local fallback is unaffected.
    ...(main ? { coordination: { phase: main.phase } } : {}),
    // Simulated cabinets have no one on site: an operator clears a latched fault from the dashboard.
    remoteClearFault: true,
  };
}
