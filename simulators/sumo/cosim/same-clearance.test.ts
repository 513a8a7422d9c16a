import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumoBinary } from "../../../tests/support/servers.js";
import { loadConfigs } from "../config/index.js";
import { readNet, tlsLayout, trafficLightIds, type SumoNet } from "../net/index.js";
import { bundledSumoScenario } from "../scenarios.js";
import { runSumo, type SumoRunOptionsInput } from "./run.js";
import { ClearanceObserver } from "./signal-state.js";

const root = resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The shortest yellow and red clearance per light, read from the states SUMO itself reports. */
async function clearancesSeen(net: SumoNet, options: Omit<SumoRunOptionsInput, "controller">): Promise<{ yellowS: Map<string, number>; redS: Map<string, number> }> {
  const observer = new ClearanceObserver(new Map(trafficLightIds(net).map((id) => [id, tlsLayout(net, id).forbiddenLinkPairs])));
  await runSumo({ ...options, controller: "sumo" }, { onSignalState: (t, id, state) => observer.observe(id, t, state) });
  return { yellowS: observer.minYellowS, redS: observer.minRedClearanceS };
}

describe.skipIf(sumoBinary.skip)(`SUMO's own logics on the generated configuration's change intervals ${sumoBinary.reason}`, () => {
  let net: SumoNet;
  let scenario: { net: string; routes: string[] };
  beforeAll(async () => {
    scenario = await bundledSumoScenario("arterial");
    net = await readNet(scenario.net);
  });

  it.each(["static", "actuated", "delay_based"] as const)(
    "%s: every change shows the configuration's yellow and red clearance before a crossing link turns green; the net's program shows no all-red",
    async (type) => {
      const dir = await mkdtemp(join(tmpdir(), "sumo-clr-"));
      dirs.push(dir);
      const same = await clearancesSeen(net, { ...scenario, sumoTlsType: type, sumoClearance: "generated", configDir: dir, durationS: 240, seed: 2 });
      const configs = await loadConfigs(dir);
      expect(configs.intersections).toHaveLength(3);
      for (const x of configs.intersections) {
        // The files' intervals, as a 1 s step shows them (the ITE 1.5 s red as 2 s).
        const redS = Math.ceil(Math.min(...x.controller.phases.map((p) => p.redClearanceS)));
        const yellowS = Math.ceil(Math.min(...x.controller.phases.map((p) => p.yellowS)));
        expect(redS).toBeGreaterThanOrEqual(1);
        expect(same.redS.get(x.tlsId)).toBe(redS);
        expect(same.yellowS.get(x.tlsId)).toBe(yellowS);
      }
      // Without it (the program's own intervals) a crossing link turns green as the yellow ends.
      const own = await clearancesSeen(net, { ...scenario, sumoTlsType: type, durationS: 240, seed: 2 });
      for (const x of configs.intersections) expect(own.redS.get(x.tlsId)).toBe(0);
    },
    60_000,
  );

  it("traffic-sim --controller sumo --sumo-clearance generated runs it from one command and says so in its result", async () => {
    const args = ["--import", "tsx", join(root, "simulators/cli.ts"), "--engine", "sumo", "--scenario", "arterial", "--duration", "120", "--seed", "1", "--controller", "sumo", "--sumo-tls-type", "actuated", "--sumo-clearance", "generated", "--json"];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: root });
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as { controller: string; sumoTlsType?: string; sumoClearance?: string; vehiclesEntered: number };
    expect(out).toMatchObject({ controller: "sumo", sumoTlsType: "actuated", sumoClearance: "generated" });
    expect(out.vehiclesEntered).toBeGreaterThan(0);
    await expect(promisify(execFile)(process.execPath, [...args.slice(0, 11), "--controller", "hub", "--sumo-clearance", "generated"], { cwd: root })).rejects.toThrow(/--sumo-clearance needs --controller sumo/);
  }, 60_000);
});
