/**
 * SUMO benchmark: the bundled SUMO scenarios over several seeds, each run by the hub (coordinated-
 * actuated plans over real MQTT), the project's fixed and actuated control, and SUMO's own static,
 * actuated and delay_based logic on the net's phases. Average delay is RESCO's (timeLoss +
 * departDelay over every vehicle, unfinished included), from SUMO's tripinfo output.
 *
 *   npm run bench:sumo -- [--scenarios arterial,grid] [--seeds 1,2,3,4,5] [--duration 3600] [--jobs 2]
 *
 * Prints a table, then one JSON line: per scenario the hub's and the best SUMO program's mean
 * delay, and hubOverBestSumo (the worst scenario's ratio; the target is ≤ 0.85 on every one).
 * `--game`: SUMO's traffic-light game scenarios (cross, corridor, square, kuehne) from sumo-tools,
 * run by the hub and by SUMO's static, actuated and delay_based logic on each net's own program;
 * last line `{"bench":"sumo-game",…}` (target: hub ≤ 0.9 × the best SUMO controller on each).
 * Beside SUMO's logics on each net's program as it is (`bestSumo`), the same three on it with the
 * generated configuration's change intervals (`bestSumoSameClearance`, `hubOverBestSumoSameClearance`).
 * Speed: the one-hour 3×3 grid run with the hub, against SUMO running its own program in the same run.
 */
import { availableParallelism } from "node:os";
import { bundledSumoScenario, runSumo, SUMO_GAME_SCENARIOS, sumoGameScenario, sumoScenarioNames, type SumoGameScenario, type SumoRunResult } from "../simulators/sumo/index.js";

/**
 * SUMO's logics run twice: on the net's program as it is (`sumo:…`, the issues' baseline), and on
 * it with the generated configuration's change intervals (`sumo:…+clr`: each green's yellow and
 * red clearance from the intersections' files, the ones the project's controllers run; the nets'
 * programs have no all-red, the generated configuration keeps ITE's).
 */
const SUMO_PROGRAMS = ["sumo:static", "sumo:actuated", "sumo:delay_based"] as const;
const SAME_CLEARANCE = ["sumo:static+clr", "sumo:actuated+clr", "sumo:delay_based+clr"] as const;
const ALL_RUNS = ["hub", "fixed", "actuated", ...SUMO_PROGRAMS, ...SAME_CLEARANCE] as const;
type Run = (typeof ALL_RUNS)[number];
/** --game judges the hub against SUMO's own controllers only (the project's fixed and actuated add nothing to that question). */
const GAME_RUNS: readonly Run[] = ["hub", ...SUMO_PROGRAMS, ...SAME_CLEARANCE];

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const game = argv.includes("--game");
  const RUNS: readonly Run[] = game ? GAME_RUNS : ALL_RUNS;
  const scenarios = arg(argv, "scenarios")?.split(",") ?? (game ? [...SUMO_GAME_SCENARIOS] : await sumoScenarioNames());
  if (game) for (const s of scenarios) if (!(SUMO_GAME_SCENARIOS as readonly string[]).includes(s)) throw new Error(`--scenarios: ${s} is not a game scenario (${SUMO_GAME_SCENARIOS.join(", ")})`);
  const seeds = (arg(argv, "seeds") ?? "1,2,3,4,5").split(",").map(Number);
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error("--seeds: expected comma-separated whole numbers");
  const durationS = Number(arg(argv, "duration") ?? 3600);
  const jobs = Math.max(1, Number(arg(argv, "jobs") ?? Math.min(2, availableParallelism())));

  const tasks: { scenario: string; seed: number; run: Run }[] = [];
  for (const scenario of scenarios) for (const seed of seeds) for (const run of RUNS) tasks.push({ scenario, seed, run });
  const results = new Map<string, SumoRunResult>();
  const key = (scenario: string, seed: number, run: Run): string => `${scenario}/${seed}/${run}`;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const t = tasks[next++]!;
      const files = game ? sumoGameScenario(t.scenario as SumoGameScenario) : await bundledSumoScenario(t.scenario);
      const [controller, logic] = t.run.split(":") as ["hub" | "fixed" | "actuated" | "sumo", string | undefined];
      const type = logic?.replace("+clr", "") as "static" | "actuated" | "delay_based" | undefined;
      const r = await runSumo({ ...files, controller, ...(type ? { sumoTlsType: type } : {}), ...(logic?.endsWith("+clr") ? { sumoClearance: "generated" as const } : {}), seed: t.seed, durationS });
      results.set(key(t.scenario, t.seed, t.run), r);
      process.stderr.write(`${t.scenario} seed ${t.seed} ${t.run.padEnd(21)} delay ${r.avgDelayS.toFixed(1)} s/veh, conflicts ${r.conflictViolations}, ${r.wallS} s\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));

  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const round = (x: number, d = 2): number => Number(x.toFixed(d));
  const summary: Record<
    string,
    {
      hub: number;
      bestSumo: number;
      bestSumoProgram: string;
      hubOverBestSumo: number;
      bestSumoSameClearance: number;
      bestSumoSameClearanceProgram: string;
      hubOverBestSumoSameClearance: number;
      means: Record<Run, number>;
      conflictViolations: number;
      teleports: number;
    }
  > = {};
  const lines: string[] = [];
  lines.push(`SUMO benchmark: ${seeds.length} seeds (${seeds.join(", ")}), ${durationS} s each, ${jobs} at a time; mean delay (timeLoss + departDelay) s/veh`);
  lines.push(`${"scenario".padEnd(10)}${RUNS.map((r) => r.padStart(21)).join("")}${"hub/best SUMO".padStart(15)}${"hub/best +clr".padStart(15)}`);
  for (const scenario of scenarios) {
    const means = Object.fromEntries(RUNS.map((run) => [run, mean(seeds.map((s) => results.get(key(scenario, s, run))!.avgDelayS))])) as Record<Run, number>;
    const best = SUMO_PROGRAMS.reduce((a, b) => (means[b] < means[a] ? b : a));
    const bestSame = SAME_CLEARANCE.reduce((a, b) => (means[b] < means[a] ? b : a));
    const all = seeds.flatMap((s) => RUNS.map((run) => results.get(key(scenario, s, run))!));
    summary[scenario] = {
      hub: round(means.hub),
      bestSumo: round(means[best]),
      bestSumoProgram: best.replace("sumo:", ""),
      hubOverBestSumo: round(means.hub / means[best], 3),
      bestSumoSameClearance: round(means[bestSame]),
      bestSumoSameClearanceProgram: bestSame.replace("sumo:", "").replace("+clr", ""),
      hubOverBestSumoSameClearance: round(means.hub / means[bestSame], 3),
      means: Object.fromEntries(RUNS.map((r) => [r, round(means[r])])) as Record<Run, number>,
      conflictViolations: all.filter((r) => r.controller !== "sumo").reduce((a, r) => a + r.conflictViolations, 0),
      teleports: all.reduce((a, r) => a + r.teleports, 0),
    };
    lines.push(`${scenario.padEnd(10)}${RUNS.map((r) => means[r].toFixed(1).padStart(21)).join("")}${(means.hub / means[best]).toFixed(3).padStart(15)}${(means.hub / means[bestSame]).toFixed(3).padStart(15)}`);
  }
  const speed: Record<string, number> = {};
  if (scenarios.includes("grid")) {
    speed.gridHubWallS = round(mean(seeds.map((s) => results.get(key("grid", s, "hub"))!.wallS)), 1);
    speed.gridSumoOwnWallS = round(mean(seeds.map((s) => results.get(key("grid", s, "sumo:static"))!.wallS)), 1);
    lines.push(`grid, ${durationS} s simulated: hub run ${speed.gridHubWallS} s wall (SUMO's own program alone: ${speed.gridSumoOwnWallS} s), ${jobs} runs at a time on ${availableParallelism()} cores`);
  }
  lines.push(`conflicting indications seen (project's controllers, all runs): ${Object.values(summary).reduce((a, s) => a + s.conflictViolations, 0)}; total wall ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${lines.join("\n")}\n`);
  const hubOverBestSumo = Math.max(...Object.values(summary).map((s) => s.hubOverBestSumo));
  const hubOverBestSumoSameClearance = Math.max(...Object.values(summary).map((s) => s.hubOverBestSumoSameClearance));
  const sameClearance = (s: (typeof summary)[string]) => ({
    bestSumoSameClearance: s.bestSumoSameClearance,
    bestSumoSameClearanceProgram: s.bestSumoSameClearanceProgram,
    hubOverBestSumoSameClearance: s.hubOverBestSumoSameClearance,
    sameClearance: { static: s.means["sumo:static+clr"], actuated: s.means["sumo:actuated+clr"], delay_based: s.means["sumo:delay_based+clr"] },
  });
  if (game) {
    process.stdout.write(
      `${JSON.stringify({
        bench: "sumo-game",
        seeds: seeds.length,
        durationS,
        scenarios: Object.fromEntries(Object.entries(summary).map(([name, s]) => [name, { hub: s.hub, bestSumo: s.bestSumo, bestSumoProgram: s.bestSumoProgram, hubOverBestSumo: s.hubOverBestSumo, static: s.means["sumo:static"], actuated: s.means["sumo:actuated"], delay_based: s.means["sumo:delay_based"], ...sameClearance(s), conflictViolations: s.conflictViolations, teleports: s.teleports }])),
        hubOverBestSumo,
        hubOverBestSumoSameClearance,
      })}\n`,
    );
    return;
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: "sumo",
      seeds: seeds.length,
      durationS,
      scenarios: Object.fromEntries(Object.entries(summary).map(([name, s]) => [name, { hub: s.hub, bestSumo: s.bestSumo, bestSumoProgram: s.bestSumoProgram, hubOverBestSumo: s.hubOverBestSumo, fixed: s.means.fixed, actuated: s.means.actuated, ...sameClearance(s), conflictViolations: s.conflictViolations }])),
      hubOverBestSumo,
      hubOverBestSumoSameClearance,
      ...speed,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:sumo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
