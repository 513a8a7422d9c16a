import { beforeAll, describe, expect, it } from "vitest";
import { parseCameraConfig, virtualLoopSpecOf, type CameraConfig } from "../../edge/inference/index.js";
import { countPixels, rasterizePolygon } from "../../edge/inference/virtual-loop/index.js";
import {
  FixedTimeSignals,
  TrafficSimulation,
  bundledScenarioNames,
  loadScenario,
  type Scenario,
} from "../traffic/index.js";
import { cameraAtspmConfig, cameraAtspmDetectors, cameraConfigFor } from "./camera-config.js";
import { CameraRenderer } from "./camera-renderer.js";
import { FIRST_ATSPM_CHANNEL, LOOP_MODEL_PX, QUEUE_SPACING_M, STOP_BAR_ZONE_M } from "./camera-zones.js";
import { ASPHALT_RGB } from "./vehicle-look.js";

type Zone = CameraConfig["approaches"][number]["zones"][number];

function extent(zone: Zone): { x0: number; y0: number; x1: number; y1: number } {
  const xs = zone.polygon.map((p) => p[0]);
  const ys = zone.polygon.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Shares of the zone's pixel centres whose colour is bare asphalt (its grain is ±4 levels). */
function asphaltShare(frame: Uint8Array, width: number, zone: Zone): number {
  const r = extent(zone);
  let inside = 0;
  let asphalt = 0;
  for (let y = Math.ceil(r.y0 - 0.5); y + 0.5 < r.y1; y++) {
    for (let x = Math.ceil(r.x0 - 0.5); x + 0.5 < r.x1; x++) {
      inside++;
      const i = (y * width + x) * 3;
      if ([0, 1, 2].every((c) => Math.abs(frame[i + c] - ASPHALT_RGB[c]) <= 5)) asphalt++;
    }
  }
  return asphalt / inside;
}

describe("cameraConfigFor", () => {
  let single: Scenario;
  beforeAll(async () => {
    single = await loadScenario("single");
  });

  it("writes a configuration that validates like a field engineer's, for every bundled intersection", async () => {
    for (const name of await bundledScenarioNames()) {
      const scenario = await loadScenario(name);
      for (const x of scenario.intersections) {
        const config = cameraConfigFor(scenario, x.id);
        // Round-trips through the validator unchanged: nothing relies on defaults it would add.
        expect(parseCameraConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
        expect(config.approaches.map((a) => a.id).sort()).toEqual(Object.keys(x.approaches).sort());
      }
    }
  });

  it("gives each approach a loop per lane, a queue zone sized at 7 m a vehicle per lane, and a stop-line counting line", () => {
    const config = cameraConfigFor(single, "main-oak");
    const mpp = new CameraRenderer(single, "main-oak").layout.view.metersPerPixel;
    const lanes: Record<string, number> = { N: 1, S: 1, E: 3, W: 3 };
    for (const a of config.approaches) {
      expect(a.zones.filter((z) => z.kind === "loop").map((z) => z.id)).toEqual(Array.from({ length: lanes[a.id] }, (_, i) => `${a.id}-loop-${i}`));
      const queue = a.zones.find((z) => z.kind === "queue");
      expect(queue).toBeDefined();
      if (queue === undefined) continue;
      const r = extent(queue);
      const lengthM = Math.max(r.x1 - r.x0, r.y1 - r.y0) * mpp;
      expect(queue.lanes).toBe(lanes[a.id]);
      expect(queue.capacityVeh).toBe(Math.max(1, Math.round(lengthM / QUEUE_SPACING_M)) * lanes[a.id]);
      expect(a.lines.map((l) => l.id)).toEqual([`${a.id}-stop`]);
    }
  });

  it("counts vehicles moving into the box as positive crossings of the stop line", () => {
    const config = cameraConfigFor(single, "main-oak");
    // Positive: from the left of from→to to its right, image y down; N traffic moves down the image.
    const heading: Record<string, [number, number]> = { N: [0, 1], S: [0, -1], E: [-1, 0], W: [1, 0] };
    for (const a of config.approaches) {
      const line = a.lines[0];
      const v = [line.to[0] - line.from[0], line.to[1] - line.from[1]];
      const rightOfLine = [-v[1], v[0]];
      const [hx, hy] = heading[a.id];
      expect(rightOfLine[0] * hx + rightOfLine[1] * hy).toBeGreaterThan(0);
    }
  });

  it("cuts every loop to six model pixels along its lane and one across, for any view", () => {
    for (const options of [{}, { width: 1280, height: 720 }, { approachViewM: 60 }, { width: 320, height: 240 }]) {
      const config = cameraConfigFor(single, "main-oak", options);
      const spec = virtualLoopSpecOf(config);
      const loops = spec.zones.filter((z) => z.id.includes("-loop-"));
      expect(loops).toHaveLength(8);
      for (const zone of loops) {
        const mask = rasterizePolygon(zone.polygon, spec.width, spec.height);
        expect(countPixels(mask), `${JSON.stringify(options)} ${zone.id}`).toBe(LOOP_MODEL_PX);
      }
    }
  });

  it("puts loops on bare asphalt and queue zones on the approach lanes of the rendered road", () => {
    const renderer = new CameraRenderer(single, "main-oak", { noise: 0, lightingDrift: { amplitude: 0 }, shadows: false });
    const empty = renderer.emptyFrame(0);
    for (const zone of renderer.camera.approaches.flatMap((a) => a.zones)) {
      const share = asphaltShare(empty.data, empty.width, zone);
      // Queue zones also hold lane lines, the stop bar and oil stains; never curb, sidewalk or verge.
      if (zone.kind === "loop") expect(share, zone.id).toBe(1);
      else expect(share, zone.id).toBeGreaterThan(0.8);
    }
  });

  it("places loops where only their own lane's crossing vehicles pass, each seen on its loop for at least two frames at 5 fps", () => {
    const sim = new TrafficSimulation(single, new FixedTimeSignals(single));
    const renderer = new CameraRenderer(single, "main-oak", { noise: 0, shadows: false, lightingDrift: { amplitude: 0 } });
    const crossedAt = new Map<number, string>();
    const framesOnLoop = new Map<number, number>();
    const foreign: string[] = [];
    while (sim.timeS < 600) {
      const crossings = sim.step(0.2);
      for (const c of crossings) crossedAt.set(c.vehicleId, `${c.approach}-loop-${c.lane}`);
      const { truth } = renderer.render(sim.snapshot(), crossings);
      for (const zone of truth.zones) {
        if (zone.kind !== "loop") continue;
        for (const id of zone.vehicleIds) {
          if (crossedAt.get(id) !== zone.zoneId) foreign.push(`${id} on ${zone.zoneId} at ${sim.timeS.toFixed(1)} s`);
          framesOnLoop.set(id, (framesOnLoop.get(id) ?? 0) + 1);
        }
      }
    }
    expect(foreign).toEqual([]);
    expect(crossedAt.size).toBeGreaterThan(150);
    // Vehicles that crossed in the last second may not have reached their loop yet.
    const seen = [...crossedAt.keys()].map((id) => framesOnLoop.get(id) ?? 0);
    const seenTwice = seen.filter((n) => n >= 2).length;
    expect(seenTwice).toBeGreaterThanOrEqual(seen.length - 3);
  });

  it("puts a stop-bar and an advance presence zone on every through lane, each with its own ATSPM channel, and tells the hub what each is", () => {
    const config = cameraConfigFor(single, "main-oak");
    const detectors = cameraAtspmDetectors(single, "main-oak");
    // N and S: one lane (through, left and right); E and W: a left-turn bay, then two through lanes.
    expect(detectors.map((d) => `${d.zoneId}:${d.kind}:${d.phase}`)).toEqual([
      "N-stopbar-0:stop-bar:4", "N-advance-0:advance:4",
      "E-stopbar-1:stop-bar:2", "E-advance-1:advance:2", "E-stopbar-2:stop-bar:2", "E-advance-2:advance:2",
      "S-stopbar-0:stop-bar:4", "S-advance-0:advance:4",
      "W-stopbar-1:stop-bar:2", "W-advance-1:advance:2", "W-stopbar-2:stop-bar:2", "W-advance-2:advance:2",
    ]);
    expect(detectors.map((d) => d.channel)).toEqual(detectors.map((_, i) => FIRST_ATSPM_CHANNEL + i));
    const zones = new Map(config.approaches.flatMap((a) => a.zones.map((z) => [z.id, z] as const)));
    for (const d of detectors) {
      expect(zones.get(d.zoneId)).toMatchObject({ kind: "presence", channel: d.channel });
      if (d.kind === "advance") expect(d.distanceM).toBeGreaterThan(STOP_BAR_ZONE_M + 2);
    }
    const hub = cameraAtspmConfig(detectors);
    expect(hub.detectors?.find((d) => d.channel === detectors[3]!.channel)).toEqual({ channel: detectors[3]!.channel, phase: 2, kind: "advance", approachId: "E", distanceM: detectors[3]!.distanceM, speedKmh: 50 });
  });

  it("places the stop-bar and advance zones where only their own lane's vehicles drive", () => {
    const sim = new TrafficSimulation(single, new FixedTimeSignals(single));
    const renderer = new CameraRenderer(single, "main-oak", { noise: 0, shadows: false, lightingDrift: { amplitude: 0 } });
    const lanes = new Map(cameraAtspmDetectors(single, "main-oak").map((d) => [d.zoneId, `${d.approachId}/${d.lane}`]));
    const crossedFrom = new Map<number, string>();
    const seenIn = new Map<number, Set<string>>();
    while (sim.timeS < 300) {
      const crossings = sim.step(0.2);
      for (const c of crossings) crossedFrom.set(c.vehicleId, `${c.approach}/${c.lane}`);
      const { truth } = renderer.render(sim.snapshot(), crossings);
      for (const zone of truth.zones) {
        if (!lanes.has(zone.zoneId)) continue;
        for (const id of zone.vehicleIds) seenIn.set(id, (seenIn.get(id) ?? new Set()).add(zone.zoneId));
      }
    }
    const foreign: string[] = [];
    let checked = 0;
    for (const [id, zoneIds] of seenIn) {
      const lane = crossedFrom.get(id);
      if (lane === undefined) continue; // still upstream when the run ended
      checked++;
      for (const z of zoneIds) if (lanes.get(z) !== lane) foreign.push(`${id} (crossed from ${lane}) in ${z}`);
    }
    expect(foreign).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    // Every zone saw vehicles.
    expect(new Set([...seenIn.values()].flatMap((s) => [...s])).size).toBe(lanes.size);
  });

  it("names the scenario's intersections when asked for one it lacks", () => {
    expect(() => cameraConfigFor(single, "nowhere")).toThrow(/no intersection "nowhere" in scenario single \(it has main-oak\)/);
  });

  it("rejects renderer options, naming the bad field", () => {
    expect(() => cameraConfigFor(single, "main-oak", { width: 10 })).toThrow(/cameraRenderer\.width/);
  });
});
