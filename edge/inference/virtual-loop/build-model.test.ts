import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { buildVirtualLoopModel, VIRTUAL_LOOP_GRAPH_VERSION, VIRTUAL_LOOP_PRODUCER } from "./build-model.js";
import { onnx } from "./onnx-builders.js";
import { countPixels, rasterizeZones } from "./rasterize.js";
import { parseVirtualLoopSpec, type VirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";
import { specHash } from "./spec-hash.js";
import { seededRandom } from "./test-support/scene.js";
import { gatherZonePixels, zonePixelIndex } from "./zone-pixels.js";

const WIDTH = 40;
const HEIGHT = 24;
const specInput: VirtualLoopSpecInput = {
  width: WIDTH,
  height: HEIGHT,
  zones: [
    { id: "a", polygon: [[2, 2], [20, 2], [20, 12], [2, 12]] },
    // Overlaps "a": a pixel held by either zone must stay held.
    { id: "b", polygon: [[12, 6], [30, 6], [30, 20], [12, 20]] },
    { id: "c", polygon: [[32, 2], [39, 23], [25, 23]] },
  ],
  diffThreshold: 30,
  occupiedFraction: 0.3,
  backgroundAlpha: 0.1,
};

/**
 * The model's contract, written out pixel by pixel: `frame` is the whole CHW image, `background`
 * and the returned `next` cover the zone pixels only, as [3, K] in `zonePixelIndex` order.
 */
function reference(spec: VirtualLoopSpec, frame: Float32Array, background: Float32Array, freeze: number[]) {
  const plane = spec.width * spec.height;
  const masks = rasterizeZones(spec);
  const index = zonePixelIndex(masks);
  const k = index.length;
  const foreground = new Uint8Array(k);
  for (let i = 0; i < k; i++) {
    let maxDiff = 0;
    for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(frame[c * plane + index[i]] - background[c * k + i]));
    foreground[i] = maxDiff > spec.diffThreshold ? 1 : 0;
  }
  const occupancy = masks.map((m) => {
    let hits = 0;
    for (let i = 0; i < k; i++) hits += m[index[i]] & foreground[i];
    return hits / countPixels(m);
  });
  const occupied = occupancy.map((o) => (o >= spec.occupiedFraction ? 1 : 0));
  const next = new Float32Array(background.length);
  for (let i = 0; i < k; i++) {
    const p = index[i];
    const held = masks.some((m, z) => m[p] === 1 && occupied[z] === 1 && freeze[z] === 1);
    for (let c = 0; c < 3; c++) {
      const b = background[c * k + i];
      next[c * k + i] = held ? b : b + spec.backgroundAlpha * (frame[c * plane + p] - b);
    }
  }
  return { occupancy, occupied, next };
}

/** Background of noise; the frame differs strongly in a random blob so that some zones occupy. */
function randomPair(seed: number): { frame: Float32Array; background: Float32Array } {
  const random = seededRandom(seed);
  const plane = WIDTH * HEIGHT;
  const background = new Float32Array(3 * plane);
  const frame = new Float32Array(3 * plane);
  const cx = random() * WIDTH;
  const cy = random() * HEIGHT;
  const radius = 4 + random() * 10;
  for (let p = 0; p < plane; p++) {
    const near = Math.hypot((p % WIDTH) - cx, Math.floor(p / WIDTH) - cy) < radius;
    for (let c = 0; c < 3; c++) {
      background[c * plane + p] = random() * 255;
      frame[c * plane + p] = near ? random() * 255 : background[c * plane + p] + (random() * 2 - 1) * 25;
    }
  }
  return { frame, background };
}

describe("buildVirtualLoopModel", () => {
  it("gives identical bytes for the same spec and different bytes for a changed one", () => {
    const first = buildVirtualLoopModel(specInput);
    const second = buildVirtualLoopModel(structuredClone(specInput));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const moved = buildVirtualLoopModel({ ...specInput, diffThreshold: 25 });
    expect(Buffer.from(first).equals(Buffer.from(moved))).toBe(false);
  });

  it("records producer, zone ids and the spec hash in the model metadata", () => {
    const model = onnx.ModelProto.decode(buildVirtualLoopModel(specInput));
    const meta = Object.fromEntries(model.metadataProps.map((e) => [e.key, e.value]));
    expect(meta.producer).toBe(VIRTUAL_LOOP_PRODUCER);
    expect(JSON.parse(meta.zones)).toEqual(["a", "b", "c"]);
    expect(meta.spec_sha256).toBe(specHash(specInput));
    expect(meta.graph_version).toBe(String(VIRTUAL_LOOP_GRAPH_VERSION));
  });

  it("declares frame, background and freeze in; occupancy, occupied and next_background out", async () => {
    const session = await ort.InferenceSession.create(buildVirtualLoopModel(specInput));
    expect(session.inputNames).toEqual(["frame", "background", "freeze"]);
    expect(session.outputNames).toEqual(["occupancy", "occupied", "next_background"]);
    // The frame comes whole; the background covers only the pixels inside some zone.
    const zonePixels = zonePixelIndex(rasterizeZones(parseVirtualLoopSpec(specInput))).length;
    expect(zonePixels).toBeLessThan(WIDTH * HEIGHT);
    const shapes = (metadata: readonly ort.InferenceSession.ValueMetadata[]) =>
      metadata.map((m) => (m.isTensor ? m.shape : undefined));
    expect(shapes(session.inputMetadata)).toEqual([[1, 3, HEIGHT, WIDTH], [3, zonePixels], [3]]);
    expect(shapes(session.outputMetadata)).toEqual([[3], [3], [3, zonePixels]]);
    await session.release();
  });

  it("ignores every pixel outside the zones", async () => {
    const spec = parseVirtualLoopSpec(specInput);
    const masks = rasterizeZones(spec);
    const index = zonePixelIndex(masks);
    const session = await ort.InferenceSession.create(buildVirtualLoopModel(spec));
    const plane = WIDTH * HEIGHT;
    const { frame, background } = randomPair(7);
    const zoneBackground = gatherZonePixels(background, index, plane);
    // Scramble everything outside the zones: nothing the model returns may change.
    const scrambled = frame.slice();
    const inZone = new Uint8Array(plane);
    for (const p of index) inZone[p] = 1;
    const random = seededRandom(99);
    for (let i = 0; i < scrambled.length; i++) if (inZone[i % plane] === 0) scrambled[i] = random() * 255;
    const outputs = [];
    for (const f of [frame, scrambled]) {
      const out = await session.run({
        frame: new ort.Tensor("float32", f, [1, 3, HEIGHT, WIDTH]),
        background: new ort.Tensor("float32", zoneBackground, [3, index.length]),
        freeze: new ort.Tensor("float32", Float32Array.from([1, 1, 1]), [3]),
      });
      outputs.push(out);
    }
    const [plain, noisy] = outputs;
    expect(Array.from(noisy.occupancy.data as Float32Array)).toEqual(Array.from(plain.occupancy.data as Float32Array));
    expect(Array.from(plain.occupancy.data as Float32Array).some((o) => o > 0)).toBe(true);
    expect(Array.from(noisy.next_background.data as Float32Array)).toEqual(Array.from(plain.next_background.data as Float32Array));
    await session.release();
  });

  it("matches the pixel-by-pixel contract for occupancy and background learning", async () => {
    const spec = parseVirtualLoopSpec(specInput);
    const session = await ort.InferenceSession.create(buildVirtualLoopModel(spec));
    const dims = [1, 3, HEIGHT, WIDTH];
    const index = zonePixelIndex(rasterizeZones(spec));
    const seenOccupied = new Set<string>();
    for (let seed = 1; seed <= 25; seed++) {
      const pair = randomPair(seed);
      const frame = pair.frame;
      const background = gatherZonePixels(pair.background, index, WIDTH * HEIGHT);
      const freeze = [seed % 2, (seed >> 1) % 2, 1];
      const out = await session.run({
        frame: new ort.Tensor("float32", frame, dims),
        background: new ort.Tensor("float32", background, [3, index.length]),
        freeze: new ort.Tensor("float32", Float32Array.from(freeze), [3]),
      });
      const want = reference(spec, frame, background, freeze);
      const occupancy = out.occupancy.data as Float32Array;
      const occupied = out.occupied.data as Float32Array;
      const next = out.next_background.data as Float32Array;
      want.occupancy.forEach((o, z) => expect(occupancy[z]).toBeCloseTo(o, 5));
      expect(Array.from(occupied)).toEqual(want.occupied);
      for (let i = 0; i < next.length; i++) {
        if (Math.abs(next[i] - want.next[i]) > 1e-3) throw new Error(`seed ${seed}: next_background[${i}] ${next[i]} != ${want.next[i]}`);
      }
      want.occupied.forEach((o, z) => seenOccupied.add(`occupied ${o}, freeze ${freeze[z]}`));
    }
    // The random scenes exercised held and learning zones alike.
    expect(seenOccupied).toContain("occupied 1, freeze 1");
    expect(seenOccupied).toContain("occupied 1, freeze 0");
    expect(seenOccupied).toContain("occupied 0, freeze 1");
    await session.release();
  });

  it("switches a zone on at exactly occupiedFraction of its pixels", async () => {
    // 10×10 zone, fraction 0.3: 30 foreground pixels is on, 29 is off.
    const spec = parseVirtualLoopSpec({
      width: 16,
      height: 16,
      zones: [{ id: "z", polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] }],
      occupiedFraction: 0.3,
    });
    const session = await ort.InferenceSession.create(buildVirtualLoopModel(spec));
    const dims = [1, 3, 16, 16];
    for (const [pixels, on] of [[29, 0], [30, 1]] as const) {
      const frame = new Float32Array(3 * 256);
      for (let k = 0; k < pixels; k++) frame[Math.floor(k / 10) * 16 + (k % 10)] = 200;
      const out = await session.run({
        frame: new ort.Tensor("float32", frame, dims),
        background: new ort.Tensor("float32", new Float32Array(3 * 100), [3, 100]),
        freeze: new ort.Tensor("float32", new Float32Array([1]), [1]),
      });
      expect((out.occupancy.data as Float32Array)[0]).toBeCloseTo(pixels / 100, 6);
      expect((out.occupied.data as Float32Array)[0]).toBe(on);
    }
    await session.release();
  });
});
