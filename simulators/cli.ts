#!/usr/bin/env node
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadScenario } from "./traffic/load-scenario.js";
import { CONTROLLERS, runClosedLoop, type ClosedLoopResult, type ControllerKind } from "./closed-loop/run.js";
import { startHubBridge } from "./closed-loop/hub-bridge.js";
import { CLEARANCE_SOURCES, describeSumoResult, runSumoCli, SUMO_CLEARANCES, SUMO_CONTROLLERS, SUMO_TLS_TYPES, sumoRunList, type ClearanceSource, type SumoClearance, type SumoRunName, type SumoTlsType } from "./sumo/index.js";

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

function controllerList(value: string): ControllerKind[] {
  const list = value.split(",").map((s) => s.trim());
  for (const c of list) if (!(CONTROLLERS as readonly string[]).includes(c)) throw new InvalidArgumentError(`unknown controller ${c}; expected ${CONTROLLERS.join(", ")}`);
  return list as ControllerKind[];
}

/** A one-line progress bar on a terminal; silent when stderr is not one. */
function progressBar(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const started = Date.now();
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0 ? (elapsed * (total - done)) / done : 0;
    process.stderr.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(done)}/${total} s simulated, ${elapsed.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left `);
    if (done >= total) process.stderr.write("\n");
  };
}

function describe(r: ClosedLoopResult): string {
  return `${r.controller.padEnd(9)} delay ${r.avgDelayS.toFixed(1)} s/veh, ${r.stopsPerVehicle.toFixed(2)} stops/veh, max queue ${r.maxQueueVeh} veh, throughput ${r.throughputVeh} veh, count accuracy ${(r.countAccuracy * 100).toFixed(1)} %, conflicts ${r.conflictViolations} (${r.wallS} s)`;
}

async function runOne(scenarioName: string, controller: ControllerKind, opts: BuiltinOptions): Promise<ClosedLoopResult> {
  const scenario = await loadScenario(scenarioName);
  const bridge = controller === "hub" ? await startHubBridge(scenario, { ...(opts.policy ? { policy: opts.policy } : {}) }) : undefined;
  try {
    const onProgress = opts.json && !process.stderr.isTTY ? undefined : progressBar(`${scenario.name}/${controller}`);
    return await runClosedLoop(
      scenario,
      { controller, ...(opts.duration ? { durationS: opts.duration } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}), fps: opts.fps, jpeg: Boolean(opts.jpeg) },
      { ...(onProgress ? { onProgress } : {}), ...(bridge ? { hub: bridge } : {}) },
    );
  } finally {
    await bridge?.close();
  }
}

/** The options a child run of one controller needs, as command-line arguments. */
function childArgs(controller: ControllerKind, opts: BuiltinOptions): string[] {
  return [
    "--scenario", opts.scenario,
    "--controller", controller,
    ...(opts.duration !== undefined ? ["--duration", String(opts.duration)] : []),
    ...(opts.seed !== undefined ? ["--seed", String(opts.seed)] : []),
    "--fps", String(opts.fps),
    ...(opts.jpeg ? ["--jpeg"] : []),
    ...(opts.policy ? ["--policy", opts.policy] : []),
    "--json",
  ];
}

/**
 * One controller's run in a child process (this CLI again, with the same Node flags, so it works
 * from source under tsx and from dist): the simulation is single-threaded, so `--compare` runs
 * its controllers side by side on a machine with cores to spare. Same seed, same result.
 */
function runInChild(controller: ControllerKind, opts: BuiltinOptions): Promise<ClosedLoopResult> {
  return new Promise((resolve, reject) => {
    const script = process.argv[1];
    if (script === undefined) return reject(new Error("cannot tell which script to run for a child run"));
    const child = spawn(process.execPath, [...process.execArgv, script, ...childArgs(controller, opts)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`the ${controller} run failed (exit ${code}): ${stderr.trim() || last}`));
      try {
        resolve(JSON.parse(last) as ClosedLoopResult);
      } catch {
        reject(new Error(`the ${controller} run printed no result: ${last.slice(0, 200)}`));
      }
    });
  });
}

/** Run `controllers`, at most `jobs` at a time in child processes (in process when only one at a time). */
async function runAll(
  controllers: readonly ControllerKind[],
  opts: BuiltinOptions,
  jobs: number,
  onResult: (r: ClosedLoopResult) => void,
): Promise<ClosedLoopResult[]> {
  if (jobs <= 1 || controllers.length <= 1) {
    const results: ClosedLoopResult[] = [];
    for (const c of controllers) {
      const r = await runOne(opts.scenario, c, opts);
      onResult(r);
      results.push(r);
    }
    return results;
  }
  const results: ClosedLoopResult[] = new Array(controllers.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < controllers.length) {
      const i = next++;
      const r = await runInChild(controllers[i]!, opts);
      onResult(r);
      results[i] = r;
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, controllers.length) }, worker));
  return results;
}

function list(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

interface CliOptions {
  engine: "builtin" | "sumo";
  scenario?: string;
  controller: ControllerKind | "sumo";
  compare?: string;
  duration?: number;
  seed?: number;
  fps: number;
  jpeg?: boolean;
  json?: boolean;
  policy?: "webster" | "max-pressure";
  jobs?: number;
  net?: string;
  routes?: string[];
  additional?: string[];
  sumoTlsType?: SumoTlsType;
  sumoClearance?: SumoClearance;
  configDir?: string;
  clearance?: ClearanceSource;
  stepLength?: number;
}

/** The built-in simulation's options once the engine-specific ones are checked. */
type BuiltinOptions = Omit<CliOptions, "scenario" | "controller" | "compare"> & { scenario: string; controller: ControllerKind; compare?: ControllerKind[] };

const program = new Command("traffic-sim")
  .description("Run a simulated city where every intersection is driven by a real edge agent that sees only rendered camera frames, or drive a SUMO network's lights with the same controllers (--engine sumo)")
  .addOption(new Option("--engine <name>", "builtin: the project's simulator with rendered cameras; sumo: a SUMO network over TraCI").choices(["builtin", "sumo"]).default("builtin"))
  .option("--scenario <name|file>", "bundled scenario (builtin: single, corridor, grid; sumo: arterial, grid) or a scenario file (builtin)")
  .addOption(new Option("--controller <kind>", "who times the signals (sumo: SUMO's own programs, --engine sumo only)").choices([...SUMO_CONTROLLERS]).default("fixed"))
  .option("--compare <list>", "run several on the same seed and demand, e.g. fixed,actuated,hub (sumo also: sumo, sumo:static, sumo:actuated, sumo:delay_based)")
  .option("--duration <s>", "simulated seconds (default: the scenario's; sumo: 3600)", positive)
  .option("--seed <n>", "random seed (default: the scenario's; sumo: 42)", (v) => Number.parseInt(v, 10))
  .option("--fps <n>", "camera frames per second per intersection", positive, 5)
  .option("--jpeg", "send every frame through JPEG encoding and decoding, like a real camera")
  .addOption(new Option("--policy <name>", "hub policy").choices(["webster", "max-pressure"]))
  .option("--json", "print the result as one JSON object on the last line")
  .option("--jobs <n>", "with --compare: controllers run side by side, each in its own process (default: one per core)", positive)
  .option("--net <file>", "sumo: the network (.net.xml)")
  .option("--routes <files>", "sumo: route files, comma-separated", list)
  .option("--additional <files>", "sumo: additional files, comma-separated", list)
  .addOption(new Option("--sumo-tls-type <type>", "sumo: with --controller sumo, run the net's phases under this SUMO logic").choices([...SUMO_TLS_TYPES]))
  .addOption(
    new Option("--sumo-clearance <source>", "sumo: SUMO's own programs with the net program's change intervals, or the generated configuration's (each green's yellow and red clearance from the intersections' files, as the project's controllers run them); default program").choices([...SUMO_CLEARANCES]),
  )
  .option("--config-dir <dir>", "sumo: where the generated controller and hub configuration is written, and read from when already there")
  .addOption(
    new Option("--clearance <source>", "sumo: red clearances of a generated configuration: ITE's where the net's program has no all-red, or the program's own (0.5 s floor; not for a real junction); default ite").choices([...CLEARANCE_SOURCES]),
  )
  .option("--step-length <s>", "sumo: simulation step and controller tick (s)", positive)
  .action(async (opts: CliOptions) => {
    if (opts.engine === "sumo") return runSumoEngine(opts);
    if (opts.controller === "sumo") throw new InvalidArgumentError("--controller sumo needs --engine sumo");
    const compare = opts.compare === undefined ? undefined : controllerList(opts.compare);
    const { compare: _list, ...rest } = opts;
    const builtin: BuiltinOptions = { ...rest, scenario: opts.scenario ?? "corridor", controller: opts.controller, ...(compare ? { compare } : {}) };
    const controllers = builtin.compare ?? [builtin.controller];
    const results: Partial<Record<ControllerKind, ClosedLoopResult>> = {};
    const show = (r: ClosedLoopResult): void => {
      if (!opts.json || process.stdout.isTTY) process.stdout.write(`${describe(r)}\n`);
    };
    const runs = await runAll(controllers, builtin, Math.floor(opts.jobs ?? availableParallelism()), show);
    runs.forEach((r, i) => (results[controllers[i]!] = r));
    if (opts.json) {
      const out = builtin.compare ? { scenario: builtin.scenario, policies: results } : results[controllers[0]!];
      process.stdout.write(`${JSON.stringify(out)}\n`);
    }
  });

async function runSumoEngine(opts: CliOptions): Promise<void> {
  if (opts.sumoTlsType !== undefined && opts.controller !== "sumo") throw new InvalidArgumentError("--sumo-tls-type needs --controller sumo");
  if (opts.sumoClearance !== undefined && opts.controller !== "sumo" && opts.compare === undefined) throw new InvalidArgumentError("--sumo-clearance needs --controller sumo (or SUMO runs in --compare)");
  const compare: SumoRunName[] | undefined = opts.compare === undefined ? undefined : sumoRunList(opts.compare);
  const out = await runSumoCli(
    {
      scenario: opts.scenario ?? "arterial",
      controller: opts.controller,
      ...(opts.net ? { net: opts.net } : {}),
      ...(opts.routes ? { routes: opts.routes } : {}),
      ...(opts.additional ? { additional: opts.additional } : {}),
      ...(opts.sumoTlsType ? { sumoTlsType: opts.sumoTlsType } : {}),
      ...(opts.sumoClearance ? { sumoClearance: opts.sumoClearance } : {}),
      ...(compare ? { compare } : {}),
      ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.stepLength !== undefined ? { stepLength: opts.stepLength } : {}),
      ...(opts.configDir ? { configDir: opts.configDir } : {}),
      ...(opts.clearance ? { clearance: opts.clearance } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
    },
    (name, r) => {
      if (!opts.json || process.stdout.isTTY) process.stdout.write(`${describeSumoResult(name, r)}\n`);
    },
    (label) => (opts.json && !process.stderr.isTTY ? undefined : progressBar(label)),
  );
  if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`traffic-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
