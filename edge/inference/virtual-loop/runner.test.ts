import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rasterizeZones } from "./rasterize.js";
import { VirtualLoopRunner, virtualLoopSessionOptions, type ZoneReadings } from "./runner.js";
import { parseVirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";
import {
  coveredFraction,
  maxAbsDiffWhere,
  paintRect,
  rectMask,
  roadFrame,
  type PixelRect,
  type Rgb,
} from "./test-support/scene.js";
import { gatherZonePixels, zonePixelIndex } from "./zone-pixels.js";

const W = 64;
const H = 36;
const ROAD = 100;
const NOISE = 4;
const RED: Rgb = [210, 40, 40];
const BLUE: Rgb = [30, 60, 220];

// Three stop-line loops side by side plus a slanted one, in model pixels.
const specInput: VirtualLoopSpecInput = {
  width: W,
  height: H,
  zones: [
    { id: "lane-1", polygon: [[2, 20], [18, 20], [18, 34], [2, 34]] },
    { id: "lane-2", polygon: [[22, 20], [38, 20], [38, 34], [22, 34]] },
    { id: "lane-3", polygon: [[42, 20], [58, 20], [58, 34], [42, 34]] },
    { id: "turn", polygon: [[30, 2], [62, 2], [50, 16], [20, 16]] },
  ],
};
const spec = parseVirtualLoopSpec(specInput);
const masks = rasterizeZones(spec);

function withVehicles(seed: number, vehicles: readonly { rect: PixelRect; rgb: Rgb }[], grey = ROAD): Float32Array {
  const frame = roadFrame(W, H, grey, NOISE, seed);
  for (const v of vehicles) paintRect(frame, W, H, v.rect, v.rgb);
  return frame;
}

const runners: VirtualLoopRunner[] = [];
async function runner(opts: Parameters<typeof VirtualLoopRunner.create>[1] = {}): Promise<VirtualLoopRunner> {
  const created = await VirtualLoopRunner.create(specInput, opts);
  runners.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

describe("VirtualLoopRunner", () => {
  it("reads each zone's occupancy as the share of its pixels the vehicles cover", async () => {
    const loops = await runner();
    loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
    const car: PixelRect = { x: 5, y: 24, width: 8, height: 6 }; // wholly inside lane-1
    const truck: PixelRect = { x: 34, y: 18, width: 12, height: 14 }; // straddles lane-2 and lane-3
    const van: PixelRect = { x: 40, y: 0, width: 10, height: 8 }; // partly in the slanted turn zone
    const rects = [car, truck, van];
    const result = await loops.run(
      withVehicles(2, [
        { rect: car, rgb: RED },
        { rect: truck, rgb: BLUE },
        { rect: van, rgb: RED },
      ]),
    );
    const covers = rects.map((r) => rectMask(W, H, r));
    const expected = masks.map((m) => coveredFraction(m, covers));
    expect(expected.every((e) => e > 0)).toBe(true);
    expected.forEach((e, z) => expect(result.occupancy[z], spec.zones[z].id).toBeCloseTo(e, 5));
    expect(Array.from(result.occupied)).toEqual(expected.map((e) => (e >= 0.25 ? 1 : 0)));
  });

  it("reads every zone free when only camera noise changes", async () => {
    const loops = await runner();
    loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
    for (let seed = 2; seed < 12; seed++) {
      const { occupancy } = await loops.run(roadFrame(W, H, ROAD, NOISE, seed));
      expect(Math.max(...occupancy)).toBe(0);
    }
  });

  it("learns the first frame as background when none was set", async () => {
    const loops = await runner();
    const parked = withVehicles(1, [{ rect: { x: 2, y: 20, width: 16, height: 14 }, rgb: RED }]);
    const first = await loops.run(parked);
    expect(Array.from(first.occupied)).toEqual([0, 0, 0, 0]);
    loops.reset();
    loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
    const again = await loops.run(parked);
    expect(again.occupancy[0]).toBeCloseTo(1, 5);
  });

  it("keeps a stopped vehicle detected while an empty zone follows a lighting drift", async () => {
    const loops = await runner();
    const empty = roadFrame(W, H, ROAD, NOISE, 1);
    loops.setBackground(empty);
    const stopped: PixelRect = { x: 3, y: 21, width: 14, height: 12 };
    const driftPerFrame = 0.2;
    const frames = 300;
    let last: ZoneReadings | undefined;
    let frame = empty;
    for (let t = 1; t <= frames; t++) {
      frame = withVehicles(t + 1, [{ rect: stopped, rgb: RED }], ROAD + driftPerFrame * t);
      last = await loops.run(frame);
      expect(last.occupied[0], `lane-1 at frame ${t}`).toBe(1);
      expect(last.occupied[1], `lane-2 at frame ${t}`).toBe(0);
    }
    // The road is now 60 brighter than the first background, twice the threshold, yet lane-2 reads free
    // because its background learned; lane-1's background is still the empty road it started from.
    expect(last?.occupancy[1]).toBe(0);
    expect(last?.occupancy[2]).toBe(0);
    // The background covers only the zone pixels; compare it with the same pixels of the frames.
    const background = loops.background();
    const inZone = (whole: Float32Array) => gatherZonePixels(whole, loops.zonePixels, W * H);
    const zoneMask = (z: number) => Uint8Array.from(loops.zonePixels, (p) => masks[z][p]);
    expect(maxAbsDiffWhere(background, inZone(frame), zoneMask(1))).toBeLessThan(spec.diffThreshold / 2);
    expect(maxAbsDiffWhere(background, inZone(empty), zoneMask(0))).toBe(0);
    expect(loops.isReleased(0)).toBe(false);
  });

  it("releases a zone stuck on past maxPresenceFrames, then freezes it again once it reads free", async () => {
    const maxPresenceFrames = 20;
    const loops = await runner({ maxPresenceFrames });
    loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
    const stuck = { rect: { x: 22, y: 20, width: 16, height: 14 }, rgb: BLUE }; // covers lane-2
    const onFrames: number[] = [];
    let releasedSeen = false;
    let t = 0;
    for (; t < 200; t++) {
      const { occupied } = await loops.run(withVehicles(t + 2, [stuck]));
      if (occupied[1] === 0) break;
      onFrames.push(t);
      releasedSeen ||= loops.isReleased(1);
    }
    expect(releasedSeen).toBe(true);
    // On through max presence, then off once the released background has learned the vehicle.
    expect(onFrames.length).toBeGreaterThan(maxPresenceFrames);
    expect(onFrames.length).toBeLessThan(maxPresenceFrames + 60);
    expect(loops.isReleased(1)).toBe(false);

    // Re-armed: a new vehicle (a different colour) on the learned background is held again.
    const next = { rect: stuck.rect, rgb: [230, 230, 60] as Rgb };
    for (let k = 0; k < maxPresenceFrames; k++) {
      const { occupied } = await loops.run(withVehicles(1000 + k, [next]));
      expect(occupied[1]).toBe(1);
    }
  });

  it("never releases within the default max presence of 600 frames", async () => {
    const loops = await runner();
    loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
    const parked = withVehicles(2, [{ rect: { x: 42, y: 20, width: 16, height: 14 }, rgb: RED }]);
    for (let t = 0; t < 400; t++) {
      const { occupied } = await loops.run(parked);
      expect(occupied[2]).toBe(1);
    }
    expect(loops.isReleased(2)).toBe(false);
  });

  it("keeps the background of the zone pixels only, gathered from the whole frame it is given", async () => {
    const loops = await runner();
    expect(Array.from(loops.zonePixels)).toEqual(Array.from(zonePixelIndex(masks)));
    const empty = roadFrame(W, H, ROAD, NOISE, 1);
    loops.setBackground(empty);
    const background = loops.background();
    expect(background).toHaveLength(3 * loops.zonePixels.length);
    expect(Array.from(background)).toEqual(Array.from(gatherZonePixels(empty, loops.zonePixels, W * H)));
  });

  it("reads the new contents of a frame buffer refilled between runs", async () => {
    const loops = await runner();
    loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
    const buffer = roadFrame(W, H, ROAD, NOISE, 2);
    expect(Array.from((await loops.run(buffer)).occupied)).toEqual([0, 0, 0, 0]);
    buffer.set(withVehicles(3, [{ rect: { x: 2, y: 20, width: 16, height: 14 }, rgb: RED }]));
    const { occupancy } = await loops.run(buffer);
    expect(occupancy[0]).toBeCloseTo(1, 5);
    buffer.set(roadFrame(W, H, ROAD, NOISE, 4));
    expect(Array.from((await loops.run(buffer)).occupied)).toEqual([0, 0, 0, 0]);
  });

  it("rejects a frame of the wrong size, saying what it expected", async () => {
    const loops = await runner();
    await expect(loops.run(new Float32Array(10))).rejects.toThrow(
      `frame: expected ${3 * W * H} floats (3×${H}×${W} CHW), got 10`,
    );
  });

  it("refuses a second frame while the first is still running", async () => {
    const loops = await runner();
    const frame = roadFrame(W, H, ROAD, NOISE, 1);
    const first = loops.run(frame);
    await expect(loops.run(frame)).rejects.toThrow(/previous frame still running/);
    await first;
  });

  it("loads the model from the cache folder when one is given", async () => {
    const dir = await mkdtemp(join(tmpdir(), "virtual-loop-runner-"));
    try {
      const loops = await runner({ cacheDir: dir });
      expect((await readdir(dir)).filter((f) => f.endsWith(".onnx"))).toHaveLength(1);
      loops.setBackground(roadFrame(W, H, ROAD, NOISE, 1));
      const { occupancy } = await loops.run(withVehicles(2, [{ rect: { x: 2, y: 20, width: 8, height: 14 }, rgb: RED }]));
      expect(occupancy[0]).toBeCloseTo(0.5, 5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("virtualLoopSessionOptions", () => {
  it("optimises the whole graph and runs one thread unless told otherwise", () => {
    expect(virtualLoopSessionOptions()).toMatchObject({ graphOptimizationLevel: "all", intraOpNumThreads: 1 });
    expect(virtualLoopSessionOptions({ intraOpNumThreads: 3 }).intraOpNumThreads).toBe(3);
  });

  it("lays caller session options over the defaults", () => {
    const options = virtualLoopSessionOptions({ sessionOptions: { executionProviders: ["cpu"], intraOpNumThreads: 2 } });
    expect(options).toMatchObject({ graphOptimizationLevel: "all", executionProviders: ["cpu"], intraOpNumThreads: 2 });
    expect(virtualLoopSessionOptions({ intraOpNumThreads: 4, sessionOptions: { intraOpNumThreads: 2 } }).intraOpNumThreads).toBe(4);
  });
});
