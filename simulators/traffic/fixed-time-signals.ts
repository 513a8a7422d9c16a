import type { SignalState } from "../../protocol/index.js";
import { TURNS, legIndex, type Leg, type Turn } from "./geometry.js";
import type { Scenario, ScenarioIntersection } from "./scenario.js";
import type { SignalSource } from "./signal-source.js";

/** A fixed-time plan: NEMA splits (green + yellow + red clearance) per phase number. */
export interface FixedTimePlan {
  /** Omitted: the sum of the splits. */
  cycleS?: number;
  /** Omitted: greens halfway between each phase's min and max green, scaled to `cycleS` if given. */
  splitsS?: Readonly<Record<number, number>>;
  offsetS?: number;
}

export interface FixedTimeOptions {
  /** Plan for every intersection without its own entry in `byIntersection`. */
  plan?: FixedTimePlan;
  byIntersection?: Readonly<Record<string, FixedTimePlan>>;
}

interface TimedPhase {
  phase: number;
  startS: number;
  greenEndS: number;
  yellowEndS: number;
  endS: number;
  /** Indexed by movement (approach × 3 + turn). */
  serves: boolean[];
}

interface ResolvedPlan {
  cycleS: number;
  offsetS: number;
  phases: TimedPhase[];
}

const MIN_GREEN_IN_PLAN_S = 1;

function movementIndex(approach: Leg, turn: Turn): number {
  return legIndex(approach) * 3 + TURNS.indexOf(turn);
}

function resolvePlan(x: ScenarioIntersection, plan: FixedTimePlan): ResolvedPlan {
  const changeS = x.phases.map((p) => p.yellowS + p.redClearanceS);
  let splitsS: number[];
  if (plan.splitsS !== undefined) {
    const given = plan.splitsS;
    splitsS = x.phases.map((p, i) => {
      const split = given[p.phase];
      if (split === undefined) throw new RangeError(`${x.id}: plan has no split for phase ${p.phase}`);
      if (split < changeS[i] + MIN_GREEN_IN_PLAN_S) {
        throw new RangeError(`${x.id}: split ${split} s for phase ${p.phase} leaves no green after ${changeS[i]} s of yellow and red clearance`);
      }
      return split;
    });
    const sumS = splitsS.reduce((a, b) => a + b, 0);
    if (plan.cycleS !== undefined && Math.abs(sumS - plan.cycleS) > 0.01) {
      throw new RangeError(`${x.id}: splits add up to ${sumS} s but cycleS is ${plan.cycleS} s`);
    }
  } else {
    const greensS = x.phases.map((p) => (p.minGreenS + p.maxGreenS) / 2);
    if (plan.cycleS !== undefined) {
      const lostS = changeS.reduce((a, b) => a + b, 0);
      const available = plan.cycleS - lostS;
      const total = greensS.reduce((a, b) => a + b, 0);
      if (available < x.phases.length * MIN_GREEN_IN_PLAN_S) throw new RangeError(`${x.id}: cycleS ${plan.cycleS} is shorter than the ${lostS} s of change intervals`);
      for (let i = 0; i < greensS.length; i++) greensS[i] = (greensS[i] * available) / total;
    }
    splitsS = greensS.map((g, i) => g + changeS[i]);
  }

  const phases: TimedPhase[] = [];
  let startS = 0;
  x.phases.forEach((p, i) => {
    const endS = startS + splitsS[i];
    const serves = new Array<boolean>(12).fill(false);
    for (const m of p.movements) serves[movementIndex(m.approach, m.turn)] = true;
    phases.push({ phase: p.phase, startS, greenEndS: endS - changeS[i], yellowEndS: endS - p.redClearanceS, endS, serves });
    startS = endS;
  });
  return { cycleS: startS, offsetS: plan.offsetS ?? 0, phases };
}

/**
 * Fixed-time control from a scenario's phases, for testing the simulation on its own (the real
 * controllers live on the edge). A movement served by two consecutive phases stays green across
 * the change between them.
 */
export class FixedTimeSignals implements SignalSource {
  private readonly plans = new Map<string, ResolvedPlan>();

  constructor(scenario: Scenario, options: FixedTimeOptions = {}) {
    for (const x of scenario.intersections) {
      this.plans.set(x.id, resolvePlan(x, options.byIntersection?.[x.id] ?? options.plan ?? {}));
    }
  }

  /** Cycle, offset and split per phase number actually in force at an intersection. */
  planOf(intersectionId: string): { cycleS: number; offsetS: number; splitsS: Record<number, number> } {
    const plan = this.requirePlan(intersectionId);
    const splitsS: Record<number, number> = {};
    for (const p of plan.phases) splitsS[p.phase] = p.endS - p.startS;
    return { cycleS: plan.cycleS, offsetS: plan.offsetS, splitsS };
  }

  /** The phase whose split contains `tS`. */
  phaseAt(intersectionId: string, tS: number): number {
    const plan = this.requirePlan(intersectionId);
    return plan.phases[this.phaseIndexAt(plan, tS).index].phase;
  }

  stateOf(intersectionId: string, approach: Leg, turn: Turn, tS: number): SignalState {
    const plan = this.requirePlan(intersectionId);
    const { index, cycleTimeS } = this.phaseIndexAt(plan, tS);
    const phase = plan.phases[index];
    const m = movementIndex(approach, turn);
    if (!phase.serves[m]) return "R";
    if (cycleTimeS < phase.greenEndS) return "G";
    if (plan.phases[(index + 1) % plan.phases.length].serves[m]) return "G";
    return cycleTimeS < phase.yellowEndS ? "Y" : "R";
  }

  private phaseIndexAt(plan: ResolvedPlan, tS: number): { index: number; cycleTimeS: number } {
    const cycleTimeS = (((tS - plan.offsetS) % plan.cycleS) + plan.cycleS) % plan.cycleS;
    for (let i = 0; i < plan.phases.length; i++) {
      if (cycleTimeS < plan.phases[i].endS) return { index: i, cycleTimeS };
    }
    return { index: plan.phases.length - 1, cycleTimeS };
  }

  private requirePlan(intersectionId: string): ResolvedPlan {
    const plan = this.plans.get(intersectionId);
    if (plan === undefined) throw new RangeError(`no intersection ${intersectionId} in the scenario`);
    return plan;
  }
}
