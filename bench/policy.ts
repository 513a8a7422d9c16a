/**
 * Policy benchmark: the signal policies on a scenario, several seeds, in seconds instead of the
 * closed loop's minutes. No cameras: the hub's planner (in process) gets ground-truth stop-line
 * counts and queues every 5 s, and the controllers' detectors are ground truth too (a loop just
 * past each stop line, on when a vehicle crosses; a presence detector on while a vehicle queues).
 * Everything else is the production code: the edge controller, the planner, the engineer's
 * Webster fixed plan. Each policy meets exactly the same vehicles for a seed.
 *
 *   npm run bench:policy -- [--scenario corridor] [--seeds 7,1,2] [--duration 3600] [--json]
 *
 * The camera closed loop (`traffic-sim --compare`) is the end-to-end check; this is for trying
 * policy changes quickly, over enough seeds to see past one lucky hour.
 */
import { ControllerCore } from "../edge/agent/controller/index.js";
import { parseIntersectionTiming } from "../hub/control/index.js";
import { Planner } from "../hub/planner/index.js";
import type { Measures, SignalState } from "../protocol/index.js";
import { corridorIdOf, engineerPlans } from "../simulators/closed-loop/engineer-plan.js";
import { controllerConfigOf, movementGroupId } from "../simulators/closed-loop/intersection-control.js";
import { timingConfigOf } from "../simulators/closed-loop/intersection-timing.js";
import { SIM_EPOCH_MS } from "../simulators/closed-loop/run.js";
import { loadScenario, TrafficSimulation, type Scenario } from "../simulators/index.js";

const POLICIES = ["fixed", "actuated", "hub"] as const;
type Policy = (typeof POLICIES)[number];

interface Args {
  scenario: string;
  seeds: number[] | null;
  durationS: number | null;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seeds = get("seeds")?.split(",").map(Number) ?? null;
  if (seeds?.some((s) => !Number.isInteger(s) || s < 0)) throw new Error("--seeds: expected comma-separated whole numbers");
  const duration = get("duration");
  return { scenario: get("scenario") ?? "corridor", seeds, durationS: duration === undefined ? null : Number(duration), json: argv.includes("--json") };
}

const STEP_S = 0.2;
const MEASURES_EVERY_S = 5;
const loopId = (leg: string): string => `loop-${leg}`;
const presenceId = (leg: string): string => `presence-${leg}`;

interface RunResult {
  avgDelayS: number;
  throughputVeh: number;
  maxQueueVeh: number;
}

function runPolicy(scenario: Scenario, policy: Policy, seed: number, durationS: number): RunResult {
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
  const planner =
    policy === "hub"
      ? new Planner(scenario.intersections.map((x) => parseIntersectionTiming(timingConfigOf(scenario, x, corridorId ? { corridorId } : {}))))
      : null;
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
    for (const x of snapshot.intersections) {
      const controller = controllers.get(x.id);
      for (const a of x.approaches) controller?.detectorCall(presenceId(a.approach), a.queueVeh > 0, nowMs);
    }
    for (const [id, c] of controllers) {
      c.tick(nowMs);
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
  return { avgDelayS: round(summary.avgDelayS), throughputVeh: summary.throughputVeh, maxQueueVeh: summary.maxQueueVeh };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

const args = parseArgs(process.argv.slice(2));
const scenario = await loadScenario(args.scenario);
const seeds = args.seeds ?? [scenario.seed];
const durationS = args.durationS ?? scenario.durationS;
const bySeed: Record<string, Record<Policy, RunResult>> = {};
for (const seed of seeds) {
  const row = Object.fromEntries(POLICIES.map((p) => [p, runPolicy(scenario, p, seed, durationS)])) as Record<Policy, RunResult>;
  bySeed[String(seed)] = row;
  if (!args.json) {
    const vsFixed = (p: Policy): string => `${(((row[p].avgDelayS - row.fixed.avgDelayS) / row.fixed.avgDelayS) * 100).toFixed(0)} %`;
    console.log(
      `seed ${seed}: avgDelayS fixed ${row.fixed.avgDelayS}, actuated ${row.actuated.avgDelayS} (${vsFixed("actuated")}), hub ${row.hub.avgDelayS} (${vsFixed("hub")})`,
    );
  }
}
const mean = (p: Policy): number => round(seeds.reduce((s, seed) => s + bySeed[String(seed)]![p].avgDelayS, 0) / seeds.length);
const means = Object.fromEntries(POLICIES.map((p) => [p, mean(p)])) as Record<Policy, number>;
if (!args.json) console.log(`mean over ${seeds.length} seed(s): fixed ${means.fixed}, actuated ${means.actuated}, hub ${means.hub}`);
console.log(
  JSON.stringify({
    bench: "policy",
    scenario: scenario.name,
    durationS,
    seeds: bySeed,
    meanAvgDelayS: means,
    hubVsFixed: Number((means.hub / means.fixed).toFixed(3)),
  }),
);
