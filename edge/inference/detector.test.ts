import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constantOutputModel } from "../../tests/support/onnx-builder.js";
import { sharedFile } from "../../tests/support/shared.js";
import { COCO_NAMES } from "./coco.js";
import type { Box } from "./counting/index.js";
import { countByVehicleClass, detectStream, Detector } from "./detector.js";
import { computeLetterbox } from "./letterbox.js";
import { Candidates, nonMaxSuppression } from "./nms.js";

const yolox = sharedFile("models/yolox_nano.onnx");
const dogJpg = sharedFile("fixtures/images/dog.jpg");

function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "detector-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(yolox.skip || dogJpg.skip)("YOLOX-nano on the street photo", () => {
  // Measured once by eye on dog.jpg (768×576).
  const truth = {
    dog: { x1: 130, y1: 218, x2: 312, y2: 542 },
    bicycle: { x1: 124, y1: 112, x2: 570, y2: 420 },
    truck: { x1: 465, y1: 76, x2: 692, y2: 170 },
  };
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.create(yolox.path);
  });
  afterAll(async () => detector?.release());

  it("picks the YOLOX adapter from the output shape and reads the input size", () => {
    expect(detector.family).toBe("yolox");
    expect([detector.inputWidth, detector.inputHeight]).toEqual([416, 416]);
    expect(detector.modelId).toMatch(/^yolox_nano\.onnx@e8af07/);
  });

  it("finds the bicycle, the pickup and the dog in original-image pixels", async () => {
    const result = await detector.detect(dogJpg.path);
    expect([result.width, result.height]).toEqual([768, 576]);
    const best = (pred: (label: string) => boolean) =>
      result.detections.filter((d) => pred(d.label)).sort((a, b) => b.score - a.score)[0];
    const dog = best((l) => l === "dog");
    const bicycle = best((l) => l === "bicycle");
    const pickup = best((l) => l === "car" || l === "truck");
    expect(dog && iou(dog.box, truth.dog)).toBeGreaterThan(0.75);
    expect(bicycle && iou(bicycle.box, truth.bicycle)).toBeGreaterThan(0.7);
    expect(pickup && iou(pickup.box, truth.truck)).toBeGreaterThan(0.75);
    expect(dog?.vehicleClass).toBeUndefined();
    expect(bicycle?.vehicleClass).toBe("bicycle");
    const counts = countByVehicleClass(result.detections);
    expect(counts.bicycle).toBe(1);
    // The pickup is scored as car and as truck; one vehicle survives NMS.
    expect((counts.car ?? 0) + (counts.truck ?? 0)).toBe(1);
  });

  it("gives the same boxes for a JPEG file, a PNG buffer and a raw RGB frame", async () => {
    const fromFile = await detector.detect(dogJpg.path);
    const png = await sharp(dogJpg.path).png().toBuffer();
    const raw = await sharp(dogJpg.path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const fromPng = await detector.detect(png);
    const fromRaw = await detector.detect({ data: raw.data, width: raw.info.width, height: raw.info.height, channels: 3 });
    for (const other of [fromPng, fromRaw]) {
      const dogA = fromFile.detections.find((d) => d.label === "dog")!;
      const dogB = other.detections.find((d) => d.label === "dog")!;
      expect(iou(dogA.box, dogB.box)).toBeGreaterThan(0.95);
    }
  });

  it("streams frames in order while overlapping decode and inference", async () => {
    const png = await sharp(dogJpg.path).png().toBuffer();
    const flipped = await sharp(dogJpg.path).flop().jpeg().toBuffer();
    const results = [];
    for await (const r of detectStream(detector, [dogJpg.path, png, flipped])) results.push(r);
    expect(results).toHaveLength(3);
    const dogX = results.map((r) => r.detections.find((d) => d.label === "dog")!.box.x1);
    expect(Math.abs(dogX[0]! - dogX[1]!)).toBeLessThan(5);
    // Mirrored image: the dog's left edge moves to 768 - its right edge.
    expect(dogX[2]!).toBeGreaterThan(400);
  });
});

async function writeModel(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function greyImage(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toBuffer();
}

describe("ultralytics decoder", () => {
  it("decodes [1, 4+nc, N] centre-xywh, suppresses duplicates and maps boxes back through the centred letterbox", async () => {
    const nc = 80;
    const anchors = 100;
    const values = new Float32Array((4 + nc) * anchors);
    const put = (i: number, cx: number, cy: number, w: number, h: number, cls: number, score: number) => {
      values[i] = cx;
      values[anchors + i] = cy;
      values[2 * anchors + i] = w;
      values[3 * anchors + i] = h;
      values[(4 + cls) * anchors + i] = score;
    };
    put(0, 320, 320, 100, 50, 2, 0.9); // a car
    put(1, 322, 321, 100, 50, 2, 0.6); // its duplicate, suppressed by NMS
    put(2, 322, 321, 100, 50, 16, 0.7); // same place, a dog: class-aware NMS keeps it
    put(3, 100, 200, 40, 40, 5, 0.8); // a bus
    put(4, 500, 400, 40, 40, 3, 0.1); // below the score threshold
    const model = await writeModel(
      "ultra.onnx",
      constantOutputModel({
        inputHeight: 640,
        inputWidth: 640,
        outputDims: [1, 4 + nc, anchors],
        values,
        metadata: { author: "Ultralytics", names: `{${COCO_NAMES.map((n, i) => `${i}: '${n}'`).join(", ")}}` },
      }),
    );
    const detector = await Detector.create(model);
    expect(detector.family).toBe("ultralytics");
    const result = await detector.detect(await greyImage(1280, 720));
    await detector.release();
    // 1280×720 → scale 0.5, 640×360 placed with top padding 140.
    const byLabel = Object.fromEntries(result.detections.map((d) => [d.label, d]));
    expect(result.detections).toHaveLength(3);
    expect(byLabel.car!.box).toEqual({ x1: 540, y1: (295 - 140) / 0.5, x2: 740, y2: (345 - 140) / 0.5 });
    expect(byLabel.car!.vehicleClass).toBe("car");
    expect(byLabel.dog!.score).toBeCloseTo(0.7, 5);
    expect(byLabel.bus!.box.x1).toBeCloseTo(160, 5);
    expect(byLabel.bus!.box.y1).toBeCloseTo((180 - 140) / 0.5, 5);
  });
});

describe("end-to-end decoder", () => {
  it("takes [1, K, 6] corner boxes as they are, without NMS", async () => {
    const rows = 300;
    const values = new Float32Array(rows * 6);
    values.set([100, 100, 200, 150, 0.95, 2], 0);
    values.set([102, 101, 201, 151, 0.9, 2], 6); // overlapping: an end-to-end model already chose both
    values.set([300, 300, 340, 360, 0.2, 7], 12); // under threshold
    const model = await writeModel("e2e.onnx", constantOutputModel({ inputHeight: 640, inputWidth: 640, outputDims: [1, rows, 6], values }));
    const detector = await Detector.create(model);
    expect(detector.family).toBe("end-to-end");
    const result = await detector.detect(await greyImage(640, 640));
    await detector.release();
    expect(result.detections.map((d) => d.label)).toEqual(["car", "car"]);
    expect(result.detections[0]!.box).toEqual({ x1: 100, y1: 100, x2: 200, y2: 150 });
  });
});

describe("YOLOX decoded exports", () => {
  it("recognises already-decoded boxes and uses the top-left letterbox", async () => {
    const anchors = 3549;
    const values = new Float32Array(anchors * 85);
    values.set([208, 100, 80, 40, 0.9], 0);
    values[5 + 7] = 0.9; // truck
    const model = await writeModel("yolox-decoded.onnx", constantOutputModel({ inputHeight: 416, inputWidth: 416, outputDims: [1, anchors, 85], values }));
    const detector = await Detector.create(model);
    expect(detector.family).toBe("yolox");
    // 832×416 → scale 0.5 placed top-left: model (168..248, 80..120) → source (336..496, 160..240).
    const result = await detector.detect(await greyImage(832, 416));
    await detector.release();
    expect(result.detections).toHaveLength(1);
    expect(result.detections[0]!.label).toBe("truck");
    expect(result.detections[0]!.score).toBeCloseTo(0.81, 5);
    expect(result.detections[0]!.box).toEqual({ x1: 336, y1: 160, x2: 496, y2: 240 });
  });
});

describe("letterbox and NMS", () => {
  it("splits ultralytics padding with its -0.1/+0.1 rounding", () => {
    const lb = computeLetterbox("centre", 768, 577, 640, 640);
    expect(lb.resizedWidth).toBe(640);
    expect(lb.resizedHeight).toBe(Math.round(577 * (640 / 768)));
    expect(lb.top + lb.bottom + lb.resizedHeight).toBe(640);
    expect(lb.top).toBe(Math.round((640 - lb.resizedHeight) / 2 - 0.1));
  });

  it("places YOLOX images top-left with padding only right and bottom", () => {
    const lb = computeLetterbox("top-left", 768, 576, 416, 416);
    expect([lb.left, lb.top]).toEqual([0, 0]);
    expect(lb.resizedWidth).toBe(416);
    expect(lb.resizedHeight).toBe(Math.floor(576 * (416 / 768)));
  });

  it("suppresses a car and a truck box on one vehicle as one, keeping classes apart otherwise", async () => {
    const anchors = 100;
    const ultra = new Float32Array(84 * anchors);
    const put = (i: number, cls: number, score: number) => {
      ultra[i] = 150;
      ultra[anchors + i] = 125;
      ultra[2 * anchors + i] = 100;
      ultra[3 * anchors + i] = 50;
      ultra[(4 + cls) * anchors + i] = score;
    };
    put(0, 2, 0.9);
    put(1, 7, 0.6);
    put(2, 0, 0.5); // a person beside it stays
    const model = await writeModel("merge.onnx", constantOutputModel({ inputHeight: 320, inputWidth: 320, outputDims: [1, 84, anchors], values: ultra }));
    const merged = await Detector.create(model);
    const separate = await Detector.create(model, { mergeVehicleClasses: false });
    const img = await greyImage(320, 320);
    expect((await merged.detect(img)).detections.map((d) => d.label)).toEqual(["car", "person"]);
    expect((await separate.detect(img)).detections.map((d) => d.label)).toEqual(["car", "truck", "person"]);
    await merged.release();
    await separate.release();
  });

  it("suppresses overlaps only within a class", () => {
    const c = new Candidates(1);
    c.push(0, 0, 10, 10, 0.9, 1);
    c.push(1, 1, 11, 11, 0.8, 1);
    c.push(1, 1, 11, 11, 0.7, 2);
    c.push(50, 50, 60, 60, 0.6, 1);
    expect(nonMaxSuppression(c, 0.45, 100)).toEqual([0, 2, 3]);
    expect(nonMaxSuppression(c, 0.45, 2)).toEqual([0, 2]);
  });
});

describe("bad inputs get one clear error", () => {
  it("names a missing model file", async () => {
    await expect(Detector.create(join(dir, "nope.onnx"))).rejects.toThrow(/nope\.onnx: no such model file/);
  });

  it("says a JPEG is not an ONNX model", async () => {
    const fake = await writeModel("photo.onnx", await greyImage(16, 16));
    await expect(Detector.create(fake)).rejects.toThrow(/photo\.onnx: not an ONNX model/);
  });

  it("says a truncated model is not an ONNX model", async () => {
    const bytes = constantOutputModel({ inputHeight: 32, inputWidth: 32, outputDims: [1, 5, 6], values: new Float32Array(30) });
    const cut = await writeModel("cut.onnx", bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(Detector.create(cut)).rejects.toThrow(/cut\.onnx: (not an ONNX model|cannot load model)/);
  });

  it("names the shape of an unsupported output layout", async () => {
    const model = await writeModel("flat.onnx", constantOutputModel({ inputHeight: 32, inputWidth: 32, outputDims: [1, 10], values: new Float32Array(10) }));
    await expect(Detector.create(model)).rejects.toThrow(/unsupported output layout \[1, 10\]/);
  });

  it("refuses files that are not images, and missing images", async () => {
    const model = await writeModel("ok.onnx", constantOutputModel({ inputHeight: 64, inputWidth: 64, outputDims: [1, 5, 6], values: new Float32Array(30) }));
    const detector = await Detector.create(model);
    const text = join(dir, "notes.jpg");
    await writeFile(text, "this is not a picture");
    await expect(detector.detect(text)).rejects.toThrow(/notes\.jpg: not an image/);
    await expect(detector.detect(join(dir, "gone.jpg"))).rejects.toThrow(/gone\.jpg: no such image file/);
    const jpeg = await sharp(await greyImage(64, 64)).jpeg().toBuffer();
    await expect(detector.detect(jpeg.subarray(0, 100))).rejects.toThrow(/not an image/);
    await expect(detector.detect({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 })).rejects.toThrow(/width × height × 3/);
    // The detector still works after every refusal.
    expect((await detector.detect(jpeg)).width).toBe(64);
    await detector.release();
  });
});
