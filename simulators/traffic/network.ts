import { Prng } from "./prng.js";
import type { SignalState, VehicleClass } from "../../protocol/index.js";
import { LEGS, TURNS, exitLeg, oppositeLeg, type Leg, type Turn } from "./geometry.js";
import { laneTurns } from "./lanes.js";
import type { Scenario, ScenarioIntersection } from "./scenario.js";

/** Mutable runtime state of the simulation; built once from a scenario, owned by TrafficSimulation. */

export interface Vehicle {
  id: number;
  cls: VehicleClass;
  lengthM: number;
  headwayFactor: number;
  maxSpeedKmh: number;
  turn: Turn;
  turnIndex: number;
  distanceM: number;
  speedMps: number;
  desiredMps: number;
  queued: boolean;
  stoppedSinceS: number;
  stopCounted: boolean;
  stops: number;
  enteredS: number;
  freeFlowS: number;
  /** When the vehicle would reach the stop line of its current approach had nothing held it up on this link. */
  freeArrivalS: number;
  /**
   * The vehicle's own random stream for its choices inside the network (turn and speed on each
   * next link): they then depend on the vehicle alone, not on the order in which the signals let
   * vehicles through, so every signal policy meets the same drivers.
   */
  choices: Prng;
}

export interface Lane {
  index: number;
  turns: readonly Turn[];
  /** Head (nearest the stop line) first. */
  vehicles: Vehicle[];
  nextDepartureS: number;
  /** Discharging since the head's movement turned green; a stopped head pays the start-up lost time first. */
  flowing: boolean;
}

export interface Exit {
  to: Approach;
  distanceM: number;
  speedKmh: number;
}

export interface Approach {
  leg: Leg;
  intersection: Intersection;
  lengthM: number;
  speedLimitKmh: number;
  /** Where arriving vehicles appear: the link length when a link feeds this approach, else lengthM. */
  entryDistanceM: number;
  entrySpeedKmh: number;
  lanes: Lane[];
  /** Per turn index: the lanes that serve it. */
  lanesByTurn: Lane[][];
  /** Per turn index: shares of vehicles making each turn. */
  turning: number[];
  /** Per turn index: where vehicles go after the stop line; null leaves the network. */
  exits: (Exit | null)[];
  opposing: Approach | null;
  /** Per turn index: the state seen this step and when it began. */
  signal: SignalState[];
  signalSinceS: number[];
  /** Last through or right departure: the conflict zone opposing lefts must wait out. */
  lastConflictDepartureS: number;
  crossings: number;
  queueVeh: number;
  maxQueueVeh: number;
}

export interface Intersection {
  id: string;
  position: { xM: number; yM: number };
  approaches: Approach[];
  byLeg: Partial<Record<Leg, Approach>>;
  allWayNextS: number;
}

function buildIntersection(x: ScenarioIntersection): Intersection {
  const intersection: Intersection = { id: x.id, position: x.position, approaches: [], byLeg: {}, allWayNextS: -Infinity };
  for (const leg of LEGS) {
    const a = x.approaches[leg];
    if (a === undefined) continue;
    const lanes: Lane[] = laneTurns(a.lanes).map((turns, index) => ({ index, turns, vehicles: [], nextDepartureS: -Infinity, flowing: false }));
    const approach: Approach = {
      leg,
      intersection,
      lengthM: a.lengthM,
      speedLimitKmh: a.speedLimitKmh,
      entryDistanceM: a.lengthM,
      entrySpeedKmh: a.speedLimitKmh,
      lanes,
      lanesByTurn: TURNS.map((t) => lanes.filter((l) => l.turns.includes(t))),
      turning: TURNS.map((t) => a.turning[t]),
      exits: [null, null, null],
      opposing: null,
      signal: ["R", "R", "R"],
      signalSinceS: [0, 0, 0],
      lastConflictDepartureS: -Infinity,
      crossings: 0,
      queueVeh: 0,
      maxQueueVeh: 0,
    };
    intersection.approaches.push(approach);
    intersection.byLeg[leg] = approach;
  }
  for (const a of intersection.approaches) a.opposing = intersection.byLeg[oppositeLeg(a.leg)] ?? null;
  return intersection;
}

export function buildNetwork(scenario: Scenario): Intersection[] {
  const intersections = scenario.intersections.map(buildIntersection);
  const byId = new Map(intersections.map((x) => [x.id, x]));
  const exitsByKey = new Map<string, Exit>();
  for (const link of scenario.links) {
    const to = byId.get(link.to.intersectionId)?.byLeg[link.to.approach];
    // parseScenario has checked every reference; a miss here is a bug.
    if (to === undefined) throw new Error(`link to ${link.to.intersectionId}/${link.to.approach} has no approach`);
    to.entryDistanceM = link.distanceM;
    to.entrySpeedKmh = link.speedKmh;
    exitsByKey.set(`${link.from.intersectionId}/${link.from.exit}`, { to, distanceM: link.distanceM, speedKmh: link.speedKmh });
  }
  for (const x of intersections) {
    for (const a of x.approaches) {
      a.exits = TURNS.map((t) => exitsByKey.get(`${x.id}/${exitLeg(a.leg, t)}`) ?? null);
    }
  }
  return intersections;
}
