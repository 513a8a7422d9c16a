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
import { loadScenario } from "../simulators/index.js";
import { POLICIES, runPolicy, type Policy, type RunResult } from "../simulators/closed-loop/fast-loop.js";

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
