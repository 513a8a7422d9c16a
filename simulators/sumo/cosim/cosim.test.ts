import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { sumoBinary } from "../../../tests/support/servers.js";
import { bundledSumoScenario } from "../scenarios.js";
import { runSumo } from "./run.js";

const root = resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.skipIf(sumoBinary.skip)(`SUMO co-simulation ${sumoBinary.reason}`, () => {
  it("runs the arterial with the real edge controllers and the real hub over MQTT: plans arrive, detectors count, no conflicting indication", async () => {
    const scenario = await bundledSumoScenario("arterial");
    const r = await runSumo({ ...scenario, controller: "hub", durationS: 300, seed: 3 });
    expect(r).toMatchObject({ engine: "sumo", scenario: "arterial", controller: "hub", durationS: 300, intersections: 3, conflictViolations: 0, teleports: 0 });
    expect(r.plansReceived).toBeGreaterThanOrEqual(3);
    expect(r.vehiclesEntered).toBeGreaterThan(30);
    // Every trip crosses at least one signal's stop line before it can finish.
    expect(r.vehiclesCounted).toBeGreaterThanOrEqual(r.throughputVeh);
    expect(r.avgDelayS).toBeGreaterThan(0);
  }, 60_000);

  it("uses the configuration in --config-dir as edited: a longer minimum green changes the run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sumo-run-"));
    dirs.push(dir);
    const scenario = await bundledSumoScenario("arterial");
    const base = await runSumo({ ...scenario, controller: "actuated", durationS: 300, seed: 3, configDir: dir });
    const again = await runSumo({ ...scenario, controller: "actuated", durationS: 300, seed: 3, configDir: dir });
    expect(again.avgDelayS).toBe(base.avgDelayS);
    for (const id of ["A0", "B0", "C0"]) {
      const file = join(dir, "intersections", `${id}.yaml`);
      await writeFile(file, (await readFile(file, "utf8")).replaceAll("minGreenS: 5\n      maxGreenS: 66", "minGreenS: 25\n      maxGreenS: 66"));
    }
    const edited = await runSumo({ ...scenario, controller: "actuated", durationS: 300, seed: 3, configDir: dir });
    expect(edited.avgDelayS).not.toBe(base.avgDelayS);
    expect(edited.conflictViolations).toBe(0);
  }, 60_000);

  it("runs the local plan in the mode the controller kind names: fixed stays fixed where the generated files run it actuated", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sumo-mode-"));
    dirs.push(dir);
    const scenario = await bundledSumoScenario("arterial");
    const fixed = await runSumo({ ...scenario, controller: "fixed", durationS: 300, seed: 3, configDir: dir });
    const actuated = await runSumo({ ...scenario, controller: "actuated", durationS: 300, seed: 3, configDir: dir });
    for (const id of ["A0", "B0", "C0"]) {
      const file = join(dir, "intersections", `${id}.yaml`);
      const text = await readFile(file, "utf8");
      // The generator runs these lights' local plan free (every approach lane has an advance loop).
      expect(text).toContain("mode: actuated");
      await writeFile(file, text.replaceAll("mode: actuated", "mode: fixed"));
    }
    const editedFixed = await runSumo({ ...scenario, controller: "fixed", durationS: 300, seed: 3, configDir: dir });
    expect(editedFixed.avgDelayS).toBe(fixed.avgDelayS);
    expect(actuated.avgDelayS).not.toBe(fixed.avgDelayS);
  }, 60_000);

  it("traffic-sim --engine sumo --compare runs the project's fixed control and SUMO's delay_based logic on the same demand; --clearance program reaches the generated files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sumo-cli-"));
    dirs.push(dir);
    const args = ["--import", "tsx", join(root, "simulators/cli.ts"), "--engine", "sumo", "--scenario", "grid", "--duration", "180", "--seed", "5", "--compare", "fixed,sumo:delay_based", "--clearance", "program", "--config-dir", dir, "--json"];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: root });
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as { engine: string; scenario: string; policies: Record<string, { controller: string; sumoTlsType?: string; vehiclesEntered: number; conflictViolations: number }> };
    expect(out).toMatchObject({ engine: "sumo", scenario: "grid" });
    expect(out.policies["fixed"]).toMatchObject({ controller: "fixed", conflictViolations: 0 });
    expect(out.policies["sumo:delay_based"]).toMatchObject({ controller: "sumo", sumoTlsType: "delay_based", conflictViolations: 0 });
    expect(out.policies["fixed"]!.vehiclesEntered).toBeGreaterThan(0);
    // The grid's program has no all-red: the protocol's 0.5 s instead of ITE's 2 s.
    const reds = (await readFile(join(dir, "intersections", "B1.yaml"), "utf8")).match(/redClearanceS: [\d.]+/g);
    expect(new Set(reds)).toEqual(new Set(["redClearanceS: 0.5"]));
  }, 60_000);
});
