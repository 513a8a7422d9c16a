import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseHubConfig } from "../../../hub/config.js";
import { cycleRangeS } from "../../../protocol/index.js";
import { serverBinary } from "../../../tests/support/servers.js";
import { readNet } from "../net/index.js";
import { configsFromNet, detectorsAdditional, INTERSECTIONS_DIR, loadConfigs, SumoIntersectionConfig, tlsProgramsAdditional, writeConfigs } from "./index.js";

const scenario = (name: string): string => fileURLToPath(new URL(`../scenarios/${name}.net.xml`, import.meta.url));
const dirs: string[] = [];
/** SUMO's traffic-light game corridor: a deliberately poor program with a 612 s cycle. */
const gameCorridor = serverBinary("/usr/share/sumo/tools/game/corridor/corridor.net.xml", "sumo-tools");
const gameSquare = serverBinary("/usr/share/sumo/tools/game/square/square.net.xml", "sumo-tools");
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Per loop kind ("stop", "stop alone": no advance loop on its lane, "advance"), checking each loop's passage time. */
async function checkedPassageKinds(path: string): Promise<string[]> {
  const net = await readNet(path);
  const kinds = new Set<string>();
  for (const x of configsFromNet(net, () => "pw-0123456789abc").intersections) {
    const config = SumoIntersectionConfig.parse(x.config);
    const byId = new Map(config.detectors.map((d) => [d.id, d]));
    for (const p of config.controller.phases) {
      // Coordinated operation: every loop extends 4 s after its vehicle leaves.
      expect(p.passageS).toBe(4);
      expect(Object.keys(p.detectorPassageS ?? {}).sort()).toEqual([...p.detectors].sort());
      // The area detectors: the lane-area (queue) detector of each lane whose loops the phase lists.
      const loopLanes = new Set(p.detectors.map((id) => byId.get(id)!.lane));
      expect(p.areaDetectors.map((id) => byId.get(id)!).every((d) => d.kind === "queue")).toBe(true);
      expect(new Set(p.areaDetectors.map((id) => byId.get(id)!.lane))).toEqual(loopLanes);
      for (const [id, passageS] of Object.entries(p.detectorPassageS ?? {})) {
        const d = byId.get(id)!;
        const alone = !config.detectors.some((a) => a.kind === "advance" && a.lane === d.lane);
        kinds.add(`${d.kind}${alone ? " alone" : ""}`);
        if (d.kind === "stop") expect(passageS).toBe(alone ? 2 : 1);
        else {
          const stop = config.detectors.find((s) => s.kind === "stop" && s.lane === d.lane)!;
          const speed = net.edge.flatMap((e) => e.lane).find((l) => l.id === d.lane)!.speed;
          expect(passageS).toBeCloseTo((stop.posM - d.posM) / speed, 1);
        }
      }
    }
  }
  return [...kinds].sort();
}

describe("configuration generated from a SUMO net", () => {
  it.each(["arterial", "grid"])("gives %s controller configurations and a hub configuration the project's schemas accept", async (name) => {
    const net = await readNet(scenario(name));
    const { intersections, hub } = configsFromNet(net, (id) => `pw-${id}-0123456789`);
    expect(intersections).toHaveLength(name === "grid" ? 9 : 3);
    for (const x of intersections) {
      const config = SumoIntersectionConfig.parse(x.config);
      expect(config.controller.phases.map((p) => p.phase)).toEqual([1, 2, 3, 4]);
      expect(config.controller.conflicts.length).toBeGreaterThan(0);
      // Every phase's detectors sit on lanes of the groups it serves.
      for (const p of config.controller.phases) expect(p.detectors.length).toBeGreaterThan(0);
    }
    const parsed = parseHubConfig(hub);
    expect(parsed.intersections.map((x) => x.intersectionId).sort()).toEqual(intersections.map((x) => x.config.intersectionId).sort());
    const corridor = parsed.intersections.map((x) => (x.timing as { corridor?: { id: string; mainPhase: number } }).corridor);
    if (name === "arterial") expect(corridor.every((c) => c?.id === "arterial" && c.mainPhase === 3)).toBe(true);
    else expect(corridor.every((c) => c === undefined)).toBe(true);
    // Stop-line loops only (lanes too short for an advance loop): hub plans stay coordinated.
    for (const x of intersections) expect(x.config.controller.planOperation).toBeUndefined();
  });

  it("gives each loop its own passage time: a stop-line loop alone the saturation headway (2 s); the bundled nets' lanes are too short for an advance loop", async () => {
    expect(await checkedPassageKinds(scenario("arterial"))).toEqual(["stop alone"]);
  });

  it.skipIf(gameSquare.skip)(`runs hub plans actuated in a network whose every approach lane has an advance loop, a corridor too ${gameSquare.reason}`, async () => {
    const square = configsFromNet(await readNet(gameSquare.path), () => "pw-0123456789abc").intersections;
    expect(square).toHaveLength(12);
    for (const x of square) expect(x.config.controller.planOperation).toBe("actuated");
    const corridor = configsFromNet(await readNet(gameCorridor.path), () => "pw-0123456789abc").intersections;
    expect(corridor).toHaveLength(3);
    for (const x of corridor) expect(x.config.controller.planOperation).toBe("actuated");
  });

  it("bounds a coordinated light's cycle below by its phases' own minimum splits (those a plan may not leave out), a corridor's by 40 s", async () => {
    for (const name of ["arterial", "grid"]) {
      const net = await readNet(scenario(name));
      for (const x of configsFromNet(net, () => "pw-0123456789abc").intersections) {
        const phases = SumoIntersectionConfig.parse(x.config).controller.phases;
        const always = phases.filter((p) => p.omittable !== true);
        // Two through phases of 5 s min green, 3 s yellow and 2 s red: 20 s (the schema's floor), where a constant 40 s stood.
        expect(cycleRangeS(always).minS).toBe(20);
        // The arterial is a corridor: its floor stays 40 s (20 s gridlocked it).
        expect(x.timing.minCycleS).toBe(name === "arterial" ? 40 : 20);
        // With its protected lefts the plan's cycle is still bounded by every phase's minimum (the engine's own rule).
        expect(cycleRangeS(phases).minS).toBe(40);
      }
    }
  });

  it.skipIf(gameSquare.skip)(`starts an actuated plan's green maxima from the net's own program cycle, not a short Webster cycle ${gameSquare.reason}`, async () => {
    const { intersections, hub } = configsFromNet(await readNet(gameSquare.path), () => "pw-0123456789abc");
    const parsed = parseHubConfig(hub);
    for (const x of intersections) {
      const minCycleS = parsed.intersections.find((i) => i.intersectionId === x.config.intersectionId)!.timing.minCycleS;
      expect(minCycleS).toBe(Math.round(x.config.controller.fallback.cycleS));
      expect(minCycleS).toBeGreaterThan(80);
    }
  });

  it("takes red clearances from the net's program with --clearance program (0.5 s where it has none), ITE's by default", async () => {
    const net = await readNet(scenario("grid"));
    const red = (options: Parameters<typeof configsFromNet>[2]): number[] =>
      configsFromNet(net, () => "pw-0123456789abc", options).intersections.flatMap((x) => SumoIntersectionConfig.parse(x.config).controller.phases.map((p) => p.redClearanceS));
    // The bundled grid's program has no all-red: ITE's (width + 6 m) / speed, 2 s here.
    expect(new Set(red({}))).toEqual(new Set([2]));
    expect(new Set(red({ clearance: "ite" }))).toEqual(new Set([2]));
    expect(new Set(red({ clearance: "program" }))).toEqual(new Set([0.5]));
  });

  it.skipIf(gameCorridor.skip)(`keeps a program's own all-red with --clearance program ${gameCorridor.reason}`, async () => {
    const net = await readNet(gameCorridor.path);
    const red = (clearance: "ite" | "program"): number[] =>
      configsFromNet(net, () => "pw-0123456789abc", { clearance }).intersections.flatMap((x) => SumoIntersectionConfig.parse(x.config).controller.phases.map((p) => p.redClearanceS));
    // The game corridor's program has a 3 s all-red after every yellow: both sources keep it.
    expect(red("program")).toEqual(red("ite"));
    expect(red("program").every((r) => r === 3)).toBe(true);
  });

  it.skipIf(gameCorridor.skip)(`gives a stop-line loop beside an advance loop 1 s and the advance loop its travel time to the stop line ${gameCorridor.reason}`, async () => {
    expect(await checkedPassageKinds(gameCorridor.path)).toEqual(["advance", "stop"]);
  });

  it("lets the hub leave out a protected left the program also runs permissive, naming the traffic it yields to", async () => {
    const net = await readNet(scenario("arterial"));
    const b = configsFromNet(net, () => "pw-0123456789abc").intersections.find((x) => x.config.tlsId === "B0")!;
    expect(SumoIntersectionConfig.parse(b.config).controller.phases.map((p) => p.omittable)).toEqual([false, true, false, true]);
    // The hub keeps the guideline; the phases (with the approaches they serve) are the controller's alone.
    expect(b.timing).not.toHaveProperty("phases");
    expect(SumoIntersectionConfig.parse(b.config).controller.phases.every((p) => p.approaches.length > 0)).toBe(true);
    const phase2 = b.timing.permissiveLefts?.find((p) => p.phase === 2);
    expect(phase2?.opposing).toEqual([
      { approachId: "top1B0.150.00.l", opposingApproachId: "bottom1B0.150.00.rs", opposingLanes: 2 },
      { approachId: "bottom1B0.150.00.l", opposingApproachId: "top1B0.150.00.rs", opposingLanes: 2 },
    ]);
  });

  it.skipIf(gameCorridor.skip)(`fits a program whose cycle the controller cannot run into 300 s, no green outside its limits ${gameCorridor.reason}`, async () => {
    const net = await readNet(gameCorridor.path);
    for (const x of configsFromNet(net, () => "pw-0123456789abc").intersections) {
      const config = SumoIntersectionConfig.parse(x.config);
      expect(config.controller.fallback.cycleS).toBeLessThanOrEqual(300);
    }
  });

  it("is written as YAML and used as edited; a bad edit is refused naming its file and field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sumo-config-"));
    dirs.push(dir);
    const net = await readNet(scenario("arterial"));
    const { intersections, hub } = configsFromNet(net, (id) => `pw-${id}-0123456789`);
    await writeConfigs(dir, intersections.map((x) => x.config), hub);
    const file = join(dir, INTERSECTIONS_DIR, "B0.yaml");
    const text = await readFile(file, "utf8");
    expect(text).toMatch(/^# Edge controller for one SUMO traffic light/);
    await writeFile(file, text.replace("minGreenS: 5", "minGreenS: 7"));
    const loaded = await loadConfigs(dir);
    expect(loaded.intersections.find((x) => x.intersectionId === "B0")!.controller.phases[0]!.minGreenS).toBe(7);

    await writeFile(file, text.replace("maxGreenS: 66", "maxGreenS: 2"));
    await expect(loadConfigs(dir)).rejects.toThrow(/B0\.yaml.*controller\.phases\[0\]\.maxGreenS/);
    await writeFile(file, `${text}surprise: 1\n`);
    await expect(loadConfigs(dir)).rejects.toThrow(/B0\.yaml.*surprise/);
  });

  it("places a stop-line loop and a queue detector on every incoming lane, and rewrites programs for SUMO's logics", async () => {
    const net = await readNet(scenario("arterial"));
    const { intersections } = configsFromNet(net, () => "pw-0123456789abc");
    const xml = detectorsAdditional(intersections.map((x) => SumoIntersectionConfig.parse(x.config)));
    expect(xml.match(/<inductionLoop /g)).toHaveLength(36);
    expect(xml.match(/<laneAreaDetector /g)).toHaveLength(36);
    const actuated = tlsProgramsAdditional(net.tlLogic, "actuated");
    expect(actuated).toContain('type="actuated" programID="0-actuated"');
    expect(actuated).toContain('state="GGGgrrrrGGGgrrrr" minDur="5" maxDur="66"');
    expect(actuated).not.toMatch(/state="[^"]*y[^"]*" minDur/);
  });
});
