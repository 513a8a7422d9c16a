import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseHubConfig } from "../../../hub/config.js";
import { cycleRangeS } from "../../../protocol/index.js";
import { sumoGameNet } from "../../../tests/support/servers.js";
import { readNet, trafficLightIds } from "../net/index.js";
import { advancePlace, configsFromNet, detectorsAdditional, INTERSECTIONS_DIR, intersectionFromNet, laneGraph, loadConfigs, LOOP_MARGIN_M, SumoIntersectionConfig, tlsProgramsAdditional, writeConfigs } from "./index.js";

const scenario = (name: string): string => fileURLToPath(new URL(`../scenarios/${name}.net.xml`, import.meta.url));
const dirs: string[] = [];
/** SUMO's traffic-light game corridor: a deliberately poor program with a 612 s cycle. */
const gameCorridor = sumoGameNet("corridor");
const gameSquare = sumoGameNet("square");
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/**
 * Per loop kind ("stop", "stop alone": no advance loop feeding its lane in the phase, "advance"),
 * checking each loop's passage time: an advance loop's is its travel time to the stop line, along
 * its lane or through the junction into the lane it feeds.
 */
async function checkedPassageKinds(path: string): Promise<string[]> {
  const net = await readNet(path);
  const lanes = new Map(net.edge.flatMap((e) => e.lane.map((l) => [l.id, l] as const)));
  /** From a loop's place to the end of the lane it feeds (m), or undefined when it does not feed it. */
  const toEndOf = (loop: { lane: string; posM: number }, lane: string): number | undefined => {
    if (loop.lane === lane) return lanes.get(lane)!.length - loop.posM;
    const c = net.connection.find((x) => `${x.from}_${x.fromLane}` === loop.lane && `${x.to}_${x.toLane}` === lane);
    return c ? lanes.get(loop.lane)!.length - loop.posM + (c.via ? lanes.get(c.via)!.length : 0) + lanes.get(lane)!.length : undefined;
  };
  const kinds = new Set<string>();
  for (const x of configsFromNet(net, () => "pw-0123456789abc").intersections) {
    const config = SumoIntersectionConfig.parse(x.config);
    const byId = new Map(config.detectors.map((d) => [d.id, d]));
    for (const p of config.controller.phases) {
      // Coordinated operation: every loop extends 4 s after its vehicle leaves.
      expect(p.passageS).toBe(4);
      expect(Object.keys(p.detectorPassageS ?? {}).sort()).toEqual([...p.detectors].sort());
      const advances = p.detectors.map((id) => byId.get(id)!).filter((d) => d.kind === "advance");
      // The area detectors: the lane-area detector of every lane whose stop-line loop the phase
      // lists, each seeing at least as far up the approach as the phase's advance loops stand; or
      // none (the bundled nets' 34 m bay lanes, whose loops stand 43 m up).
      const stopLanes = new Set(p.detectors.map((id) => byId.get(id)!).filter((d) => d.kind === "stop").map((d) => d.lane));
      if (p.areaDetectors.length > 0) {
        kinds.add("area");
        const areas = p.areaDetectors.map((id) => byId.get(id)!);
        expect(areas.every((d) => d.kind === "queue")).toBe(true);
        expect(new Set(areas.map((d) => d.lane))).toEqual(stopLanes);
        for (const a of areas) for (const loop of advances) {
          const reach = toEndOf(loop, a.lane);
          if (reach !== undefined) expect(a.lengthM! + 0.01).toBeGreaterThanOrEqual(reach);
        }
      }
      for (const [id, passageS] of Object.entries(p.detectorPassageS ?? {})) {
        const d = byId.get(id)!;
        if (d.kind === "stop") {
          const alone = !advances.some((a) => toEndOf(a, d.lane) !== undefined);
          kinds.add(`stop${alone ? " alone" : ""}`);
          expect(passageS).toBe(alone ? 2 : 1);
        } else {
          kinds.add(d.kind);
          const stops = p.detectors.map((s) => byId.get(s)!).filter((s) => s.kind === "stop" && toEndOf(d, s.lane) !== undefined);
          expect(stops.length).toBeGreaterThan(0);
          for (const stop of stops) {
            const distanceM = toEndOf(d, stop.lane)! - (lanes.get(stop.lane)!.length - stop.posM);
            expect(distanceM).toBeGreaterThanOrEqual(29);
            expect(passageS).toBeCloseTo(distanceM / lanes.get(stop.lane)!.speed, 1);
          }
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
    // Every approach lane has an advance loop (upstream of the turn bay's split): hub plans run actuated.
    for (const x of intersections) expect(x.seesApproaches).toBe(true);
    for (const x of intersections) expect(x.config.controller.planOperation).toBe("actuated");
    // Its local plan (before the first hub plan) runs free too.
    for (const x of intersections) expect(x.config.controller.fallback.mode).toBe("actuated");
  });

  it("gives each loop its own passage time: an advance loop upstream of the split its travel time, a stop-line loop with none feeding it in the phase the saturation headway (2 s)", async () => {
    expect(await checkedPassageKinds(scenario("arterial"))).toEqual(["advance", "stop", "stop alone"]);
    expect(await checkedPassageKinds(scenario("grid"))).toEqual(["advance", "stop", "stop alone"]);
  });

  it("places an advance loop 30 m before the stop line, following a short turn-bay lane upstream to the lane feeding it (never past a signal); a loop shared with the left bay calls the through phase only", async () => {
    const net = await readNet(scenario("arterial"));
    const graph = laneGraph(net);
    // The 34 m bay lanes (the edge split for the 50 m turn bay) are fed by the 234 m lanes from A0: 1 m before their end.
    expect(advancePlace(graph, "A0B0.250.00_2", 30)).toEqual({ lane: "A0B0_1", posM: 233, fromEndM: 43.27 });
    expect(advancePlace(graph, "A0B0.250.00_1", 30)).toEqual({ lane: "A0B0_1", posM: 233, fromEndM: 43.27 });
    expect(advancePlace(graph, "A0B0.250.00_0", 30)).toEqual({ lane: "A0B0_0", posM: 233, fromEndM: 43.27 });
    // On a lane long enough, on the lane itself; never upstream of the signal at A0.
    expect(advancePlace(graph, "A0B0_1", 30)).toEqual({ lane: "A0B0_1", posM: 204, fromEndM: 30 });
    // The farthest a loop may go: more than LOOP_MARGIN_M past the start of the lane from the signal A0.
    expect(advancePlace(graph, "A0B0.250.00_1", 42.27 + 234 - LOOP_MARGIN_M - 0.5)).toEqual({ lane: "A0B0_1", posM: LOOP_MARGIN_M + 0.5, fromEndM: 270.77 });
    expect(advancePlace(graph, "A0B0.250.00_1", 42.27 + 234 - LOOP_MARGIN_M)).toBeUndefined();

    const b = SumoIntersectionConfig.parse(configsFromNet(net, () => "pw-0123456789abc").intersections.find((x) => x.config.tlsId === "B0")!.config);
    const shared = b.detectors.filter((d) => d.kind === "advance" && d.lane === "A0B0_1");
    expect(shared).toHaveLength(1);
    const [through, left] = [b.controller.phases[2]!, b.controller.phases[3]!];
    expect(through.detectors).toContain(shared[0]!.id);
    expect(left.detectors).not.toContain(shared[0]!.id);
    expect(left.detectors).toContain("A0B0.250.00_2.stop");
  });

  it.skipIf(gameSquare.skip)(`runs hub plans actuated in a network whose every approach lane has an advance loop, a corridor too ${gameSquare.reason}`, async () => {
    const square = configsFromNet(await readNet(gameSquare.path), () => "pw-0123456789abc").intersections;
    expect(square).toHaveLength(12);
    for (const x of square) expect(x.config.controller.planOperation).toBe("actuated");
    const corridor = configsFromNet(await readNet(gameCorridor.path), () => "pw-0123456789abc").intersections;
    expect(corridor).toHaveLength(3);
    for (const x of corridor) expect(x.config.controller.planOperation).toBe("actuated");
    for (const x of [...square, ...corridor]) expect(x.config.controller.fallback.mode).toBe("actuated");
  });

  it("bounds a coordinated light's cycle below by its phases' own minimum splits (those a plan may not leave out), an actuated plan's maxima by the program's cycle", async () => {
    for (const name of ["arterial", "grid"]) {
      const net = await readNet(scenario(name));
      const taken = new Set<string>();
      for (const id of trafficLightIds(net)) {
        const x = intersectionFromNet(net, id, taken);
        const phases = SumoIntersectionConfig.parse(x.config).controller.phases;
        const always = phases.filter((p) => p.omittable !== true);
        // Two through phases of 5 s min green, 3 s yellow and 2 s red: 20 s (the schema's floor), where a constant 40 s stood.
        expect(cycleRangeS(always).minS).toBe(20);
        expect(x.timing.minCycleS).toBe(20);
        // With its protected lefts the plan's cycle is still bounded by every phase's minimum (the engine's own rule).
        expect(cycleRangeS(phases).minS).toBe(40);
      }
      // Both nets see every approach (advance loops): actuated plans, capped from the program's 98 s cycle.
      for (const x of configsFromNet(net, () => "pw-0123456789abc").intersections) expect(x.timing.minCycleS).toBe(Math.round(x.config.controller.fallback.cycleS));
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
    expect(await checkedPassageKinds(gameCorridor.path)).toEqual(["advance", "area", "stop"]);
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
    // The main street's lefts yield to the opposing main street, the traffic green with them when they run permissive, not to
    // a side street whose links the junction's foe table lists as many times (red while they turn).
    expect(b.timing.permissiveLefts?.find((p) => p.phase === 4)?.opposing).toEqual([
      { approachId: "C0B0.250.00.l", opposingApproachId: "A0B0.250.00.rs", opposingLanes: 2 },
      { approachId: "A0B0.250.00.l", opposingApproachId: "C0B0.250.00.rs", opposingLanes: 2 },
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
    // 36 stop-line loops; 24 advance loops, two per approach (its two lanes before the bay's split feed three).
    expect(xml.match(/<inductionLoop /g)).toHaveLength(60);
    expect(xml.match(/<laneAreaDetector /g)).toHaveLength(36);
    const actuated = tlsProgramsAdditional(net.tlLogic, "actuated");
    expect(actuated).toContain('type="actuated" programID="0-actuated"');
    expect(actuated).toContain('state="GGGgrrrrGGGgrrrr" minDur="5" maxDur="66"');
    expect(actuated).not.toMatch(/state="[^"]*y[^"]*" minDur/);
  });
});
