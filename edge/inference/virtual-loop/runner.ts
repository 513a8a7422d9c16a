import * as ort from "onnxruntime-node";
import { buildVirtualLoopModel, VirtualLoopIo, virtualLoopIoShapes } from "./build-model.js";
import { MaxPresence } from "./max-presence.js";
import { virtualLoopModelFile } from "./model-file.js";
import { rasterizeZones } from "./rasterize.js";
import { parseVirtualLoopSpec, type VirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";
import { gatherZonePixels, zonePixelIndex } from "./zone-pixels.js";

export interface VirtualLoopRunnerOptions {
  /** Where to cache the generated model file; without it the model is built in memory. */
  cacheDir?: string;
  /** Threads for the model's operators (default 1): on a graph this small, hand-offs cost more than they save. */
  intraOpNumThreads?: number;
  /** Extra onnxruntime options, laid over the runner's defaults (full graph optimisation, one thread). */
  sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Release a zone's frozen background after it has been occupied this many frames in a row. */
  maxPresenceFrames?: number;
}

export interface ZoneReadings {
  /** Per zone, in spec order: share of the zone's pixels that are foreground, 0–1. */
  occupancy: Float32Array;
  /** Per zone: 1 when occupancy >= occupiedFraction, else 0. */
  occupied: Float32Array;
}

/** 600 frames is 60 s at 10 fps, a common max-presence setting for stop-line loops. */
export const DEFAULT_MAX_PRESENCE_FRAMES = 600;

/** The runner's defaults; `graphOptimizationLevel: "all"` folds the constant mask cast and transpose once at load. */
export function virtualLoopSessionOptions(opts: VirtualLoopRunnerOptions = {}): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    interOpNumThreads: 1,
    ...opts.sessionOptions,
    intraOpNumThreads: opts.intraOpNumThreads ?? opts.sessionOptions?.intraOpNumThreads ?? 1,
  };
}

/**
 * Runs the virtual-loop model frame after frame, carrying the background between calls and
 * feeding each zone's freeze flag. The background covers only the pixels inside some zone
 * (`zonePixels`), as the model does; buffers are allocated once and reused for every frame.
 */
export class VirtualLoopRunner {
  readonly zoneIds: readonly string[];
  /** Row-major indices (y·width + x) of the pixels inside any zone, in the order `background()` uses. */
  readonly zonePixels: Int32Array;
  private readonly plane: number;
  private readonly backgroundData: Float32Array;
  private readonly feeds: Record<string, ort.Tensor>;
  private readonly frameDims: readonly number[];
  /** The last frame buffer seen and its tensor: callers reuse one or two buffers, so tensors are too. */
  private lastFrames: { data: Float32Array; tensor: ort.Tensor }[] = [];
  private hasBackground = false;
  private running = false;

  private constructor(
    readonly spec: VirtualLoopSpec,
    zonePixels: Int32Array,
    private readonly session: ort.InferenceSession,
    private readonly presence: MaxPresence,
  ) {
    const shapes = virtualLoopIoShapes(spec, zonePixels.length);
    this.zoneIds = spec.zones.map((z) => z.id);
    this.zonePixels = zonePixels;
    this.plane = spec.width * spec.height;
    this.frameDims = shapes.frame;
    this.backgroundData = new Float32Array(3 * zonePixels.length);
    // The frame tensor is set per run, over the caller's buffer.
    this.feeds = {
      [VirtualLoopIo.background]: new ort.Tensor("float32", this.backgroundData, shapes.background),
      [VirtualLoopIo.freeze]: new ort.Tensor("float32", presence.freeze, shapes.freeze),
    };
  }

  static async create(input: VirtualLoopSpecInput, opts: VirtualLoopRunnerOptions = {}): Promise<VirtualLoopRunner> {
    const spec = parseVirtualLoopSpec(input);
    const presence = new MaxPresence(spec.zones.length, opts.maxPresenceFrames ?? DEFAULT_MAX_PRESENCE_FRAMES);
    const sessionOptions = virtualLoopSessionOptions(opts);
    const session =
      opts.cacheDir === undefined
        ? await ort.InferenceSession.create(buildVirtualLoopModel(spec), sessionOptions)
        : await ort.InferenceSession.create(await virtualLoopModelFile(spec, opts.cacheDir), sessionOptions);
    // The same rasterisation as the model builder, so JS and graph agree on which pixel is which.
    return new VirtualLoopRunner(spec, zonePixelIndex(rasterizeZones(spec)), session, presence);
  }

  /** Frame length the model takes: CHW RGB 0–255 at the model resolution. */
  get frameLength(): number {
    return 3 * this.plane;
  }

  /**
   * Read the zones in one frame (CHW RGB 0–255, length 3·H·W) and learn the background from it.
   * The first frame after create/reset becomes the background unless `setBackground` came first.
   * The model reads `frame` in place (no copy): leave it unchanged until the promise settles.
   */
  async run(frame: Float32Array): Promise<ZoneReadings> {
    this.checkLength(frame, "frame");
    // Concurrent runs would overwrite each other's shared background buffer.
    if (this.running) throw new Error("VirtualLoopRunner.run: previous frame still running; await it first");
    this.running = true;
    try {
      if (!this.hasBackground) this.setBackground(frame);
      this.feeds[VirtualLoopIo.frame] = this.frameTensor(frame);
      const out = await this.session.run(this.feeds);
      const occupancy = floatOutput(out, VirtualLoopIo.occupancy);
      const occupied = floatOutput(out, VirtualLoopIo.occupied);
      this.backgroundData.set(floatOutput(out, VirtualLoopIo.nextBackground));
      this.presence.update(occupied);
      return { occupancy, occupied };
    } finally {
      this.running = false;
    }
  }

  /** Start from a known empty scene instead of the first frame: a whole CHW frame, of which the zone pixels are kept. */
  setBackground(frame: Float32Array): void {
    this.checkLength(frame, "background");
    gatherZonePixels(frame, this.zonePixels, this.plane, this.backgroundData);
    this.hasBackground = true;
  }

  /**
   * A copy of the current background of the zone pixels only, as [3, K]: channel c of pixel
   * `zonePixels[k]` at c·K + k. Pixels outside every zone have no background. For inspection and tests.
   */
  background(): Float32Array {
    return this.backgroundData.slice();
  }

  /** True while a zone is past max presence and its background is learning. */
  isReleased(zoneIndex: number): boolean {
    return this.presence.isReleased(zoneIndex);
  }

  /** Forget the background and every zone's presence. */
  reset(): void {
    this.hasBackground = false;
    this.presence.reset();
  }

  async close(): Promise<void> {
    this.lastFrames = [];
    await this.session.release();
  }

  /** A tensor over the caller's buffer; the last two are kept, so a caller cycling buffers allocates nothing per frame. */
  private frameTensor(frame: Float32Array): ort.Tensor {
    for (const seen of this.lastFrames) if (seen.data === frame) return seen.tensor;
    const tensor = new ort.Tensor("float32", frame, this.frameDims);
    this.lastFrames = [{ data: frame, tensor }, ...this.lastFrames.slice(0, 1)];
    return tensor;
  }

  private checkLength(frame: Float32Array, what: string): void {
    if (frame.length !== this.frameLength) {
      const { width, height } = this.spec;
      throw new RangeError(`${what}: expected ${this.frameLength} floats (3×${height}×${width} CHW), got ${frame.length}`);
    }
  }
}

function floatOutput(out: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const tensor = out[name];
  if (tensor === undefined || !(tensor.data instanceof Float32Array)) {
    throw new Error(`virtual-loop model: output "${name}" missing or not float32`);
  }
  return tensor.data;
}
