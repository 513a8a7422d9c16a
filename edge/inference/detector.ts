import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import * as ort from "onnxruntime-node";
import { z } from "zod";
import type { VehicleClass } from "../../protocol/index.js";
import {
  checkFamily,
  decodeEndToEnd,
  decodeUltralytics,
  decodeYolox,
  ModelFamily,
  parseNamesMetadata,
  pickFamily,
} from "./adapters/index.js";
import type { Box } from "./counting/index.js";
import { COCO_NAMES, COCO_VEHICLE_CLASSES, vehicleClassOfLabel } from "./coco.js";
import { letterboxInto, openImage, type FrameInput, type TensorLayout } from "./image-input.js";
import { computeLetterbox, unletterboxX, unletterboxY, type Letterbox, type LetterboxStyle } from "./letterbox.js";
import { ModelFileError } from "./model-file.js";
import { Candidates, nonMaxSuppression } from "./nms.js";
import { overlapped } from "./overlap.js";
import { loadSession, SessionConfig, type LoadedSession } from "./session.js";

export const DetectorConfig = SessionConfig.extend({
  /** `auto` picks the decoder from the output shape and the model's metadata. */
  family: z.union([z.literal("auto"), ModelFamily]).default("auto"),
  /** YOLOX exports come raw (grid offsets) or decoded; `auto` tells them apart from the values. */
  yoloxDecoded: z.union([z.literal("auto"), z.boolean()]).default("auto"),
  /** Input size for models with a dynamic input; ignored when the model fixes it. */
  inputSize: z.number().int().min(32).max(4096).default(640),
  scoreThreshold: z.number().min(0).max(1).default(0.25),
  iouThreshold: z.number().min(0).max(1).default(0.45),
  maxDetections: z.number().int().min(1).max(10_000).default(300),
  /**
   * Suppress overlapping car, bus and truck boxes as one vehicle (detectors often score a pickup as
   * both), so counting sees one object; other classes are suppressed per class.
   */
  mergeVehicleClasses: z.boolean().default(true),
  /** Class names in output order; defaults to the model's `names` metadata, else COCO. */
  classNames: z.array(z.string()).optional(),
});
export type DetectorConfig = z.infer<typeof DetectorConfig>;
export type DetectorConfigInput = z.input<typeof DetectorConfig>;

export interface ObjectDetection {
  classId: number;
  label: string;
  /** Set when the class is one of the traffic classes. */
  vehicleClass?: VehicleClass;
  score: number;
  /** In the original image's pixels. */
  box: Box;
}

export interface DetectionResult {
  width: number;
  height: number;
  detections: ObjectDetection[];
}

/** A frame decoded and letterboxed into one of the detector's input buffers, ready to run. */
export interface PreparedFrame {
  slot: number;
  width: number;
  height: number;
  letterbox: Letterbox;
}

const FAMILY_LAYOUT: Record<ModelFamily, { style: LetterboxStyle; tensor: TensorLayout }> = {
  ultralytics: { style: "centre", tensor: { channelOrder: "rgb", valueScale: 1 / 255, padValue: 114 } },
  "end-to-end": { style: "centre", tensor: { channelOrder: "rgb", valueScale: 1 / 255, padValue: 114 } },
  yolox: { style: "top-left", tensor: { channelOrder: "bgr", valueScale: 1, padValue: 114 } },
};

/**
 * A vehicle detector over one ONNX model: frame in, detections in original pixels out.
 * It owns `slots` reusable input tensors so a caller can prepare the next frame while the
 * current one runs (see `detectStream`).
 */
export class Detector {
  private readonly inputs: { data: Float32Array; tensor: ort.Tensor }[] = [];
  private readonly candidates = new Candidates(2048);
  private readonly nmsGroupOf: (classId: number) => number;

  private constructor(
    private readonly loaded: LoadedSession,
    readonly config: DetectorConfig,
    readonly family: ModelFamily,
    readonly inputWidth: number,
    readonly inputHeight: number,
    readonly classNames: readonly string[],
    readonly modelId: string,
    slots: number,
  ) {
    const motorVehicle = new Set(["car", "bus", "truck"]);
    const merged = classNames.map((name, id) => (config.mergeVehicleClasses && motorVehicle.has(vehicleClassOfLabel(name) ?? "") ? -1 : id));
    this.nmsGroupOf = (id) => merged[id] ?? id;
    for (let i = 0; i < slots; i++) {
      const data = new Float32Array(3 * inputWidth * inputHeight);
      this.inputs.push({ data, tensor: new ort.Tensor("float32", data, [1, 3, inputHeight, inputWidth]) });
    }
  }

  static async create(
    modelPath: string,
    configInput: DetectorConfigInput = {},
    options: { slots?: number; log?: (msg: string) => void } = {},
  ): Promise<Detector> {
    const parsed = DetectorConfig.safeParse(configInput);
    if (!parsed.success) throw new ModelFileError(`detector config: ${parsed.error.issues[0]?.message}`);
    const config = parsed.data;
    const loaded = await loadSession(modelPath, config, options.log);
    const [, , h, w] = loaded.inputShape as [number, number, number, number];
    const inputHeight = h > 0 ? h : config.inputSize;
    const inputWidth = w > 0 ? w : config.inputSize;
    // Warm-up on a padding-grey frame: the first run allocates and optimises, and tells us the output shape.
    const warm = new Float32Array(3 * inputWidth * inputHeight).fill(114);
    const out = await loaded.session.run({ [loaded.inputName]: new ort.Tensor("float32", warm, [1, 3, inputHeight, inputWidth]) });
    const first = out[loaded.session.outputNames[0]!];
    if (!first || first.type !== "float32") {
      throw new ModelFileError(`${modelPath}: expected a float32 output, got ${first?.type ?? "none"}`);
    }
    const metadata = loaded.file.metadata;
    let family: ModelFamily;
    if (config.family === "auto") family = pickFamily(first.dims, metadata);
    else {
      checkFamily(config.family, first.dims);
      family = config.family;
    }
    const classNames = config.classNames ?? parseNamesMetadata(metadata.names) ?? COCO_NAMES;
    const modelId = `${basename(modelPath)}@${(await sha256File(modelPath)).slice(0, 12)}`;
    return new Detector(loaded, config, family, inputWidth, inputHeight, classNames, modelId, options.slots ?? 2);
  }

  get providers(): readonly string[] {
    return this.loaded.providers;
  }

  get slots(): number {
    return this.inputs.length;
  }

  /** Decode and letterbox a frame into input slot `slot`. */
  async prepare(input: FrameInput, slot = 0): Promise<PreparedFrame> {
    const { image, width, height } = await openImage(input);
    const layout = FAMILY_LAYOUT[this.family];
    const letterbox = computeLetterbox(layout.style, width, height, this.inputWidth, this.inputHeight);
    await letterboxInto(image, letterbox, layout.tensor, this.inputs[slot]!.data);
    return { slot, width, height, letterbox };
  }

  /** Run the model on a prepared slot and decode its output. */
  async infer(frame: PreparedFrame): Promise<DetectionResult> {
    const output = await this.runSlot(frame.slot);
    return { width: frame.width, height: frame.height, detections: this.decode(output, frame) };
  }

  async detect(input: FrameInput): Promise<DetectionResult> {
    return this.infer(await this.prepare(input, 0));
  }

  /** The model alone on a prepared slot: what the benchmark compares the pipeline against. */
  async runSlot(slot: number): Promise<ort.Tensor> {
    const { session, inputName } = this.loaded;
    const out = await session.run({ [inputName]: this.inputs[slot]!.tensor });
    return out[session.outputNames[0]!]!;
  }

  private decode(output: ort.Tensor, frame: PreparedFrame): ObjectDetection[] {
    const data = output.data as Float32Array;
    const dims = output.dims;
    const { scoreThreshold, iouThreshold, maxDetections } = this.config;
    const c = this.candidates;
    c.clear();
    let kept: number[];
    if (this.family === "end-to-end") {
      decodeEndToEnd(data, dims, scoreThreshold, c);
      kept = Array.from({ length: Math.min(c.length, maxDetections) }, (_, i) => i);
    } else {
      if (this.family === "ultralytics") decodeUltralytics(data, dims, scoreThreshold, c);
      else decodeYolox(data, dims, this.inputWidth, this.inputHeight, this.config.yoloxDecoded, scoreThreshold, c);
      kept = nonMaxSuppression(c, iouThreshold, maxDetections, this.nmsGroupOf);
    }
    const lb = frame.letterbox;
    const clampX = (x: number): number => Math.min(frame.width, Math.max(0, x));
    const clampY = (y: number): number => Math.min(frame.height, Math.max(0, y));
    const detections: ObjectDetection[] = [];
    for (const i of kept) {
      const classId = c.classId[i]!;
      const label = this.classNames[classId] ?? `class${classId}`;
      const box = {
        x1: clampX(unletterboxX(lb, c.x1[i]!)),
        y1: clampY(unletterboxY(lb, c.y1[i]!)),
        x2: clampX(unletterboxX(lb, c.x2[i]!)),
        y2: clampY(unletterboxY(lb, c.y2[i]!)),
      };
      if (box.x2 - box.x1 < 1 || box.y2 - box.y1 < 1) continue;
      const vehicleClass = this.classNames === COCO_NAMES ? COCO_VEHICLE_CLASSES.get(classId) : vehicleClassOfLabel(label);
      detections.push({ classId, label, ...(vehicleClass ? { vehicleClass } : {}), score: c.score[i]!, box });
    }
    return detections;
  }

  async release(): Promise<void> {
    await this.loaded.session.release();
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Count detections per vehicle class. */
export function countByVehicleClass(detections: readonly ObjectDetection[]): Partial<Record<VehicleClass, number>> {
  const counts: Partial<Record<VehicleClass, number>> = {};
  for (const d of detections) if (d.vehicleClass) counts[d.vehicleClass] = (counts[d.vehicleClass] ?? 0) + 1;
  return counts;
}

/** Detect over a stream of frames, decoding the next frame while the model runs the current one. */
export function detectStream(
  detector: Detector,
  frames: AsyncIterable<FrameInput> | Iterable<FrameInput>,
): AsyncGenerator<DetectionResult> {
  return overlapped(frames, detector.slots, (frame, slot) => detector.prepare(frame, slot), (prepared) => detector.infer(prepared));
}
