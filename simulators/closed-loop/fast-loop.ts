import { ControllerCore, publishedTimingOf } from "../../edge/agent/controller/index.js";
import { parseHubTiming } from "../../hub/control/index.js";
import { Planner } from "../../hub/planner/index.js";
import type { ControllerEvent, Measures, SignalState } from "../../protocol/index.js";
import { corridorIdOf, engineerPlans } from "./engineer-plan.js";
import { controllerConfigOf, movementGroupId } from "./intersection-control.js";
import { hubTimingOf } from "./intersection-timing.js";
import { SIM_EPOCH_MS } from "./run.js";
import { TrafficSimulation, type NetworkSnapshot, type Scenario } from "../traffic/index.js";

/**
 * The benches' fast closed loop, no cameras: the hub's planner (in process) gets ground-truth
 * stop-line counts and queues every 5 s, and the controllers' detectors are ground truth too (a
 * loop just past each stop line, on when a vehicle crosses; a presence detector on while a
 * vehicle queues). Everything else is the production code: the edge controller, the planner, the
 * engineer's Webster fixed plan. Each policy meets exactly the same vehicles for a seed.
 */
export const POLICIES = ["fixed", "actuated", "hub"] as const;
export type Policy = (typeof POLICIES)[number];

/** Optional observers (the ATSPM bench records events and ground truth through them). */
export interface FastLoopHooks {
  /** After the simulation's step, before the controllers tick: the network as it is at `nowMs`. */
  onStep?(nowMs: number, snapshot: NetworkSnapshot, groups: ReadonlyMap<string, Readonly<Record<string, SignalState>>>): void;
  /** Everything a controller logged while ticking at `nowMs`. */
  onControllerEvents?(intersectionId: string, events: readonly ControllerEvent[], nowMs: number): void;
}

export const STEP_S = 0.2;
const MEASURES_EVERY_S = 5;
const loopId = (leg: string): string => `loop-${leg}`;
const presenceId = (leg: string): string => `presence-${leg}`;

export interface RunResult {
  avgDelayS: number;
  throughputVeh: number;
  maxQueueVeh: number;
}

export function runPolicy(scenario: Scenario, policy: Policy, seed: number, durationS: number, hooks: FastLoopHooks = {}): RunResult {
  const plans = engineerPlans(scenario, seed, durationS);
  const controllers = new Map(
    scenario.intersections.map((x) => [
      x.id,
      new ControllerCore(
        controllerConfigOf(x, { fallback: policy === "actuated" ? "actuated" : "fixed", plan: plans[x.id], loopZonesOf: (leg) => [loopId(leg), presenceId(leg)] }),
        SIM_EPOCH_MS,
      ),
    ]),
  );
  const groups = new Map<string, Record<string, SignalState>>();
  for (const [id, c] of controllers) groups.set(id, c.state().groups);
  const sim = new TrafficSimulation(scenario, { stateOf: (id, leg, turn) => groups.get(id)?.[movementGroupId(leg, turn)] ?? "R" }, { seed });
  const corridorId = corridorIdOf(scenario);
  let planner: Planner | null = null;
  if (policy === "hub") {
    // As in the city: the hub has its own settings, and plans against what each controller publishes.
    planner = new Planner(scenario.intersections.map((x) => ({ intersectionId: x.id, settings: parseHubTiming(hubTimingOf(scenario, x, corridorId ? { corridorId } : {})) })));
    for (const [id, c] of controllers) {
      const { controller, hash } = publishedTimingOf(c.config);
      const state = planner.setController(id, hash, controller)?.state;
      if (state?.state !== "planning") throw new Error(`fast loop: intersection ${id} cannot be planned: ${state && "reason" in state ? state.reason : "unknown"}`);
    }
  }
  const counts = new Map<string, number>();
  const lastCrossed: { id: string; leg: string }[] = [];
  let seq = 0;
  const steps = Math.round(durationS / STEP_S);
  const measuresEvery = Math.round(MEASURES_EVERY_S / STEP_S);
  for (let i = 1; i <= steps; i++) {
    const nowMs = SIM_EPOCH_MS + Math.round(i * STEP_S * 1000);
    const crossings = sim.step(STEP_S);
    // A stop-line loop is on for the step in which a vehicle crossed it.
    for (const { id, leg } of lastCrossed.splice(0)) controllers.get(id)?.detectorCall(loopId(leg), false, nowMs);
    for (const c of crossings) {
      controllers.get(c.intersectionId)?.detectorCall(loopId(c.approach), true, nowMs);
      lastCrossed.push({ id: c.intersectionId, leg: c.approach });
      const key = `${c.intersectionId}/${c.approach}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const snapshot = sim.snapshot();
    hooks.onStep?.(nowMs, snapshot, groups);
    for (const x of snapshot.intersections) {
      const controller = controllers.get(x.id);
      for (const a of x.approaches) controller?.detectorCall(presenceId(a.approach), a.queueVeh > 0, nowMs);
    }
    for (const [id, c] of controllers) {
      const { events } = c.tick(nowMs);
      if (hooks.onControllerEvents && events.length > 0) hooks.onControllerEvents(id, events, nowMs);
      groups.set(id, c.state().groups);
    }
    if (planner === null || i % measuresEvery !== 0) continue;
    for (const x of snapshot.intersections) {
      const measures: Measures = {
        ts: nowMs,
        seq: ++seq,
        intersectionId: x.id,
        intervalMs: MEASURES_EVERY_S * 1000,
        modelId: "ground-truth",
        framesProcessed: MEASURES_EVERY_S / STEP_S,
        approaches: x.approaches.map((a) => ({
          approachId: a.approach,
          count: counts.get(`${x.id}/${a.approach}`) ?? 0,
          countsByClass: {},
          queue: a.queueVeh,
          occupancy: 0,
        })),
      };
      for (const a of x.approaches) counts.set(`${x.id}/${a.approach}`, 0);
      for (const p of planner.onMeasures(measures, nowMs)) {
        controllers.get(p.intersectionId)?.applyPlan({ ts: nowMs, seq: ++seq, intersectionId: p.intersectionId, ...p.plan }, nowMs);
      }
    }
  }
  const summary = sim.summary();
  return { avgDelayS: round1(summary.avgDelayS), throughputVeh: summary.throughputVeh, maxQueueVeh: summary.maxQueueVeh };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
