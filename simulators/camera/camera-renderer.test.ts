import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { VehicleClass } from "../../protocol/index.js";
import {
  FixedTimeSignals,
  TrafficSimulation,
  loadScenario,
  type Leg,
  type NetworkSnapshot,
  type Scenario,
  type StopLineCrossing,
} from "../traffic/index.js";
import { CameraRenderer, type FrameTruth } from "./camera-renderer.js";
import { approachPoint, toPixel } from "./layout.js";
import { ASPHALT_RGB, STATIC_SHADOW_FACTOR, allVehicleColours } from "./vehicle-look.js";

/** Clean pictures: no noise, no drift, no shadows, so a pixel's change is the vehicle's doing. */
const CLEAN = { noise: 0, lightingDrift: { amplitude: 0 }, shadows: false } as const;

interface Placed {
  approach: Leg;
  lane: number;
  id: number;
  cls?: VehicleClass;
  distanceM: number;
  lengthM?: number;
}

/** A snapshot of main-oak with just these vehicles on its approaches. */
function snapshotWith(tS: number, vehicles: readonly Placed[] = []): NetworkSnapshot {
  const legs: Leg[] = ["N", "E", "S", "W"];
  return {
    tS,
    intersections: [
      {
        id: "main-oak",
        position: { xM: 0, yM: 0 },
        approaches: legs.map((leg) => ({
          approach: leg,
          lengthM: 200,
          signals: { through: "R", left: "R", right: "R" },
          queueVeh: 0,
          lanes: [0, 1, 2].map((index) => ({
            index,
            turns: ["through"],
            queueVeh: 0,
            queueLengthM: 0,
            vehicles: vehicles
              .filter((v) => v.approach === leg && v.lane === index)
              .map((v) => ({
                id: v.id,
                class: v.cls ?? "car",
                turn: "through",
                lengthM: v.lengthM ?? 4.5,
                distanceM: v.distanceM,
                speedMps: 0,
                stopped: true,
                queued: true,
                freeArrivalS: tS,
              })),
          })),
        })),
      },
    ],
  };
}

function crossing(tS: number, approach: Leg, lane: number, vehicleId: number, turn: StopLineCrossing["turn"] = "through"): StopLineCrossing {
  return { tS, intersectionId: "main-oak", approach, turn, lane, vehicleId, class: "car" };
}

function zonesHolding(truth: FrameTruth, id: number): string[] {
  return truth.zones.filter((z) => z.vehicleIds.includes(id)).map((z) => z.zoneId);
}

function differingPixels(a: Uint8Array, b: Uint8Array, minDiff: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (Math.abs(a[i] - b[i]) >= minDiff || Math.abs(a[i + 1] - b[i + 1]) >= minDiff || Math.abs(a[i + 2] - b[i + 2]) >= minDiff) n++;
  }
  return n;
}

describe("CameraRenderer", () => {
  let single: Scenario;
  beforeAll(async () => {
    single = await loadScenario("single");
  });

  it("renders identical bytes for the same seed, snapshots and crossings, and other bytes for another seed", () => {
    const sim = new TrafficSimulation(single, new FixedTimeSignals(single));
    const a = new CameraRenderer(single, "main-oak", { seed: 5 });
    const b = new CameraRenderer(single, "main-oak", { seed: 5 });
    const c = new CameraRenderer(single, "main-oak", { seed: 6 });
    let compared = 0;
    while (sim.timeS < 120) {
      const crossings = sim.step(0.2);
      const snapshot = sim.snapshot();
      const fa = a.render(snapshot, crossings).frame.data;
      const fb = b.render(snapshot, crossings).frame.data;
      const fc = c.render(snapshot, crossings).frame.data;
      if (Math.round(sim.timeS * 5) % 50 === 0) {
        expect(Buffer.compare(fa, fb)).toBe(0);
        expect(Buffer.compare(fa, fc)).not.toBe(0);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });

  it("adds sensor noise within its amplitude that changes from frame to frame", () => {
    const noisy = new CameraRenderer(single, "main-oak", { ...CLEAN, noise: 6 });
    const clean = new CameraRenderer(single, "main-oak", CLEAN);
    const a = noisy.emptyFrame(10).data;
    const reference = clean.emptyFrame(10).data;
    let worst = 0;
    let total = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - reference[i]);
      worst = Math.max(worst, d);
      total += d;
    }
    expect(worst).toBeLessThanOrEqual(6);
    expect(total / a.length).toBeGreaterThan(1);
    // The next frame draws other noise: most pixels differ somewhat, none by more than twice the amplitude.
    const next = noisy.emptyFrame(10.2).data;
    expect(differingPixels(a, next, 1)).toBeGreaterThan(a.length / 3 / 2);
    expect(differingPixels(a, next, 13)).toBe(0);
  });

  it("drifts brightness slowly, within its amplitude", () => {
    const renderer = new CameraRenderer(single, "main-oak", { ...CLEAN, lightingDrift: { amplitude: 0.1, periodS: 600 } });
    const samples = Array.from({ length: 601 }, (_, k) => renderer.brightnessAt(k));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0.9 - 1e-9);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1.1 + 1e-9);
    expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(0.19);
    for (let t = 0; t < 600; t += 7.3) expect(Math.abs(renderer.brightnessAt(t + 0.2) - renderer.brightnessAt(t))).toBeLessThan(0.0015);

    const darkest = samples.indexOf(Math.min(...samples));
    const brightest = samples.indexOf(Math.max(...samples));
    const mean = (data: Uint8Array): number => data.reduce((s, v) => s + v, 0) / data.length;
    const ratio = mean(renderer.emptyFrame(brightest).data) / mean(renderer.emptyFrame(darkest).data);
    expect(ratio).toBeCloseTo(samples[brightest] / samples[darkest], 1);
  });

  it("shows a vehicle on an approach where the snapshot puts it, and in that approach's queue and its lane's stop-bar zone only", () => {
    const renderer = new CameraRenderer(single, "main-oak", CLEAN);
    const empty = renderer.emptyFrame(50).data;
    const { frame, truth } = renderer.render(snapshotWith(50, [{ approach: "N", lane: 0, id: 42, distanceM: 10 }]));
    expect(zonesHolding(truth, 42)).toEqual(["N-queue", "N-stopbar-0"]);
    const n = renderer.layout.approaches.find((a) => a.leg === "N");
    if (n === undefined) throw new Error("single has an N approach");
    const centre = toPixel(renderer.layout.view, approachPoint(n, -10 - 2.25, 1.75));
    const i = (Math.floor(centre.y) * frame.width + Math.floor(centre.x)) * 3;
    const change = Math.max(...[0, 1, 2].map((c) => Math.abs(frame.data[i + c] - empty[i + c])));
    expect(change).toBeGreaterThan(30);
    // About a car's worth of pixels changed (4.5 × 1.8 m at ~0.31 m a pixel is ~80), nowhere else.
    const changed = differingPixels(frame.data, empty, 1);
    expect(changed).toBeGreaterThan(50);
    expect(changed).toBeLessThan(160);
  });

  it("leaves vehicles beyond the view out of the picture and out of every zone", () => {
    const renderer = new CameraRenderer(single, "main-oak");
    const { frame, truth } = renderer.render(snapshotWith(50, [{ approach: "E", lane: 1, id: 9, distanceM: 240 }]));
    expect(zonesHolding(truth, 9)).toEqual([]);
    expect(Buffer.compare(frame.data, renderer.emptyFrame(50).data)).toBe(0);
  });

  it("drives a vehicle that crossed its stop line over its lane's loop, then through the box and out of view", () => {
    const renderer = new CameraRenderer(single, "main-oak", CLEAN);
    const first = renderer.render(snapshotWith(100.2), [crossing(100, "E", 1, 7)]);
    expect(first.truth.crossingsByApproach).toEqual({ N: 0, E: 1, S: 0, W: 0 });
    // 0.2 s at 9 m/s: its front is 1.8 m past the stop line, on the loop; its rear still over the queue and stop-bar zones.
    expect(zonesHolding(first.truth, 7)).toEqual(["E-loop-1", "E-queue", "E-stopbar-1"]);
    expect(zonesHolding(renderer.render(snapshotWith(100.6)).truth, 7)).toEqual(["E-loop-1"]);

    const inBox = renderer.render(snapshotWith(102));
    expect(zonesHolding(inBox.truth, 7)).toEqual([]);
    expect(inBox.truth.crossingsByApproach.E).toBe(0);
    expect(differingPixels(inBox.frame.data, renderer.emptyFrame(102).data, 30)).toBeGreaterThan(40);

    const gone = renderer.render(snapshotWith(140));
    expect(Buffer.compare(gone.frame.data, renderer.emptyFrame(140).data)).toBe(0);
  });

  it("animates only its own intersection's crossings", () => {
    const renderer = new CameraRenderer(single, "main-oak", CLEAN);
    const elsewhere = { ...crossing(100, "W", 1, 8), intersectionId: "main-elm" };
    const { frame, truth } = renderer.render(snapshotWith(100.4), [elsewhere]);
    expect(truth.crossingsByApproach).toEqual({ N: 0, E: 0, S: 0, W: 0 });
    expect(Buffer.compare(frame.data, renderer.emptyFrame(100.4).data)).toBe(0);
  });

  it("draws into a caller's buffer, and refuses one of the wrong size", () => {
    const renderer = new CameraRenderer(single, "main-oak");
    const target = new Uint8Array(renderer.width * renderer.height * 3);
    expect(renderer.render(snapshotWith(1), [], target).frame.data).toBe(target);
    expect(() => renderer.render(snapshotWith(1), [], new Uint8Array(10))).toThrow(/render target holds 10 bytes.*640×360/);
  });

  it("encodes a JPEG camera feed of the configured size", async () => {
    const renderer = new CameraRenderer(single, "main-oak", { width: 320, height: 180 });
    const { jpeg, truth } = await renderer.renderJpeg(snapshotWith(5, [{ approach: "W", lane: 2, id: 3, distanceM: 0 }]));
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 320, 180]);
    expect(zonesHolding(truth, 3)).toEqual(["W-queue", "W-stopbar-2"]);
  });

  it("never paints a vehicle in a colour within 40 levels of lit or shadowed asphalt", () => {
    const shadowed = ASPHALT_RGB.map((v) => v * STATIC_SHADOW_FACTOR);
    for (const colour of allVehicleColours()) {
      for (const ground of [ASPHALT_RGB, shadowed]) {
        const contrast = Math.max(...[0, 1, 2].map((c) => Math.abs(colour[c] - ground[c])));
        expect(contrast, `${colour.join(",")} on ${ground.map(Math.round).join(",")}`).toBeGreaterThanOrEqual(40);
      }
    }
  });
});
