import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Measures } from "../../protocol/index.js";
import { sharedFile } from "../../tests/support/shared.js";
import { parseCameraConfig } from "./camera-config.js";
import { DetectorVehicleCounter, VirtualLoopVehicleCounter } from "./vehicle-counter.js";

const W = 320;
const H = 180;

/** A grey road with dark vehicles (x, y, w, h in pixels) as a raw RGB frame. */
function roadWith(vehicles: readonly [number, number, number, number][], seed = 1): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const data = new Uint8Array(W * H * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    data[i] = 110 + (s % 7) - 3; // asphalt with a little sensor noise
  }
  for (const [vx, vy, vw, vh] of vehicles) {
    for (let y = Math.max(0, vy); y < Math.min(H, vy + vh); y++) {
      for (let x = Math.max(0, vx); x < Math.min(W, vx + vw); x++) {
        const o = (y * W + x) * 3;
        data[o] = 20;
        data[o + 1] = 30;
        data[o + 2] = 170;
      }
    }
  }
  return { data, width: W, height: H, channels: 3 };
}

const camera = parseCameraConfig({
  width: W,
  height: H,
  approaches: [
    {
      id: "E",
      zones: [
        { id: "E-queue", kind: "queue", polygon: [[0, 60], [160, 60], [160, 100], [0, 100]], capacityVeh: 4 },
        { id: "E-loop", kind: "loop", polygon: [[200, 60], [240, 60], [240, 100], [200, 100]] },
      ],
    },
    { id: "S", zones: [{ id: "S-loop", kind: "loop", polygon: [[260, 120], [300, 120], [300, 170], [260, 170]] }] },
  ],
  virtualLoop: { scale: 0.5 },
});

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vloop-cache-"));
});
afterAll(async () => rm(cacheDir, { recursive: true, force: true }));

describe("built-in virtual-loop counter", () => {
  it("counts each vehicle driving over a loop once and publishes valid measures", async () => {
    const counter = await VirtualLoopVehicleCounter.create(camera, 0, { cacheDir, background: roadWith([]) });
    expect(counter.modelId).toMatch(/^virtual-loop@[0-9a-f]{12}$/);
    let t = 0;
    // Three vehicles, 30 px long with 50 px gaps (longer than the 40 px loop), drive east at 6 px
    // per frame through the E loop.
    const frames = [];
    for (let step = 0; step < 85; step++) {
      const vehicles: [number, number, number, number][] = [];
      for (let v = 0; v < 3; v++) vehicles.push([step * 6 - v * 80, 68, 30, 24]);
      frames.push({ frame: roadWith(vehicles, step + 2), tMs: (t += 200) });
    }
    let events = 0;
    for await (const report of counter.processStream(frames)) events += report.loopEvents.length;
    const interval = counter.flush(t);
    const east = interval.approaches.find((a) => a.approachId === "E")!;
    const south = interval.approaches.find((a) => a.approachId === "S")!;
    expect(east.count).toBe(3);
    expect(south.count).toBe(0);
    expect(events).toBeGreaterThanOrEqual(6); // on and off per vehicle on the E loop, plus queue-zone changes
    expect(east.occupancy).toBeGreaterThan(0);
    expect(south.occupancy).toBe(0);
    expect(interval.framesProcessed).toBe(85);
    const payload = { ts: t, seq: 1, intersectionId: "I1", modelId: counter.modelId, ...interval };
    expect(Measures.safeParse(payload).success).toBe(true);
    await counter.close();
  });

  it("turns a stopped queue into a queue estimate, and the queue does not fade away", async () => {
    const counter = await VirtualLoopVehicleCounter.create(camera, 0, { cacheDir, background: roadWith([]) });
    // Two cars (half the 160 px zone) stand in the queue zone for 300 frames (a minute at 5 fps).
    for (let i = 0; i < 300; i++) await counter.process(roadWith([[100, 64, 30, 32], [130, 64, 30, 32]], i + 3), i * 200);
    const interval = counter.flush(300 * 200);
    const east = interval.approaches.find((a) => a.approachId === "E")!;
    // 60 of 160 px covered with capacity 4 → about 1.5 vehicles, still there after a minute.
    expect(east.queue).toBeGreaterThan(1.2);
    expect(east.queue).toBeLessThan(1.8);
    const last = await counter.process(roadWith([[100, 64, 30, 32], [130, 64, 30, 32]], 999), 300 * 200);
    expect(last.zones.find((z) => z.zoneId === "E-queue")!.queueVeh).toBeGreaterThan(1.2);
    await counter.close();
  });

  it("accepts JPEG frames of another size than the camera configuration", async () => {
    const counter = await VirtualLoopVehicleCounter.create(camera, 0, { cacheDir });
    const big = await sharp(roadWith([]).data, { raw: { width: W, height: H, channels: 3 } }).resize(640, 360).jpeg().toBuffer();
    const report = await counter.process(big, 0);
    expect(report.zones).toHaveLength(3);
    await counter.close();
  });
});

const yolox = sharedFile("models/yolox_nano.onnx");
const dogJpg = sharedFile("fixtures/images/dog.jpg");

describe.skipIf(yolox.skip || dogJpg.skip)("detector counter with YOLOX-nano", () => {
  it("counts the pickup once as the scene pans past a counting line", async () => {
    // Shift the photo left 20 px a frame: the pickup (x 465–692) moves wholly across x = 400.
    const view = parseCameraConfig({
      width: 768,
      height: 576,
      approaches: [
        {
          id: "W",
          lines: [{ id: "W-stop", from: [400, 0], to: [400, 300], countDirection: "both" }],
          zones: [{ id: "W-q", kind: "queue", polygon: [[0, 0], [400, 0], [400, 300], [0, 300]] }],
        },
      ],
    });
    const counter = await DetectorVehicleCounter.create(yolox.path, view, 0);
    const padded = await sharp(dogJpg.path)
      .extend({ right: 420, background: { r: 114, g: 114, b: 114 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const frames = [];
    for (let i = 0; i <= 21; i++) {
      const frame = await sharp(padded.data, { raw: { width: padded.info.width, height: padded.info.height, channels: 3 } })
        .extract({ left: i * 20, top: 0, width: 768, height: 576 })
        .jpeg()
        .toBuffer();
      frames.push({ frame, tMs: i * 200 });
    }
    const crossings = [];
    for await (const report of counter.processStream(frames)) crossings.push(...report.crossings);
    const interval = counter.flush(22 * 200);
    await counter.close();
    // Moving left across a line drawn downwards is a left-to-right crossing of from→to: positive.
    expect(crossings.map((c) => [c.className, c.direction])).toEqual([[expect.stringMatching(/^(car|truck)$/), "positive"]]);
    expect(interval.approaches[0]!.count).toBe(1);
  });
});
