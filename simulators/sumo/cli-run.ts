import { InvalidArgumentError } from "commander";
import { SUMO_TLS_TYPES, type ClearanceSource, type SumoClearance, type SumoTlsType } from "./config/index.js";
import { runSumo, type SumoControllerKind, type SumoRunResult } from "./cosim/index.js";
import { bundledSumoScenario } from "./scenarios.js";

/** What `--compare` accepts with `--engine sumo`: the project's controllers, SUMO's own program, or the net's phases under one of SUMO's logics. */
export const SUMO_RUNS = ["hub", "fixed", "actuated", "sumo", ...SUMO_TLS_TYPES.map((t) => `sumo:${t}` as const)] as const;
export type SumoRunName = (typeof SUMO_RUNS)[number];

export function sumoRunList(value: string): SumoRunName[] {
  const list = value.split(",").map((s) => s.trim());
  for (const c of list) if (!(SUMO_RUNS as readonly string[]).includes(c)) throw new InvalidArgumentError(`unknown run ${c}; expected ${SUMO_RUNS.join(", ")}`);
  return list as SumoRunName[];
}

export interface SumoCliOptions {
  scenario: string;
  net?: string;
  routes?: string[];
  additional?: string[];
  controller: SumoControllerKind;
  sumoTlsType?: SumoTlsType;
  /** SUMO's own programs' change intervals (every SUMO run of a comparison). */
  sumoClearance?: SumoClearance;
  compare?: SumoRunName[];
  duration?: number;
  seed?: number;
  stepLength?: number;
  configDir?: string;
  clearance?: ClearanceSource;
  policy?: "webster" | "max-pressure";
  json?: boolean;
}

/** The controller and SUMO logic of a `--compare` entry. */
export function parseRunName(name: SumoRunName): { controller: SumoControllerKind; sumoTlsType?: SumoTlsType } {
  const [controller, type] = name.split(":") as [SumoControllerKind, SumoTlsType | undefined];
  return type ? { controller, sumoTlsType: type } : { controller };
}

export function describeSumoResult(name: string, r: SumoRunResult): string {
  return `${name.padEnd(17)} delay ${r.avgDelayS.toFixed(1)} s/veh, waiting ${r.avgWaitingS.toFixed(1)} s/veh, ${r.stopsPerVehicle.toFixed(2)} stops/veh, throughput ${r.throughputVeh} veh, unfinished ${r.vehiclesUnfinished}, teleports ${r.teleports}, conflicts ${r.conflictViolations} (${r.wallS} s)`;
}

/** One run, or several on the same net, routes and seed (`--compare`), one after another: SUMO runs in its own process anyway. */
export async function runSumoCli(opts: SumoCliOptions, onResult: (name: string, r: SumoRunResult) => void, onProgress?: (label: string) => ((done: number, total: number) => void) | undefined): Promise<unknown> {
  const scenario = opts.net ? { net: opts.net, routes: opts.routes ?? [] } : await bundledSumoScenario(opts.scenario);
  if (scenario.routes.length === 0) throw new Error("--engine sumo with --net needs --routes");
  const runs: { name: string; controller: SumoControllerKind; sumoTlsType?: SumoTlsType }[] = opts.compare
    ? opts.compare.map((name) => ({ name, ...parseRunName(name) }))
    : [{ name: opts.sumoTlsType ? `sumo:${opts.sumoTlsType}` : opts.controller, controller: opts.controller, ...(opts.sumoTlsType ? { sumoTlsType: opts.sumoTlsType } : {}) }];
  const results: Record<string, SumoRunResult> = {};
  for (const run of runs) {
    const progress = onProgress?.(`${run.name}`);
    const r = await runSumo(
      {
        net: scenario.net,
        routes: scenario.routes,
        additional: opts.additional ?? [],
        controller: run.controller,
        ...(run.sumoTlsType ? { sumoTlsType: run.sumoTlsType } : {}),
        ...(run.controller === "sumo" && opts.sumoClearance ? { sumoClearance: opts.sumoClearance } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.duration !== undefined ? { durationS: opts.duration } : {}),
        ...(opts.stepLength !== undefined ? { stepS: opts.stepLength } : {}),
        ...(opts.configDir ? { configDir: opts.configDir } : {}),
        ...(opts.clearance ? { clearance: opts.clearance } : {}),
        ...(opts.policy ? { policy: opts.policy } : {}),
      },
      progress ? { onProgress: progress } : {},
    );
    onResult(run.name, r);
    results[run.name] = r;
  }
  const first = results[runs[0]!.name]!;
  return opts.compare ? { engine: "sumo", scenario: first.scenario, seed: first.seed, policies: results } : first;
}
