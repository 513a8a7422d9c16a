import * as ort from "onnxruntime-node";
import { buildVirtualLoopModel, VirtualLoopIo } from "./build-model.js";
import { MaxPresence } from "./max-presence.js";
import { virtualLoopModelFile } from "./model-file.js";
import { parseVirtualLoopSpec, type VirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";

export interface VirtualLoopRunnerOptions {
  /** Where to cache the generated model file; without it the model is built in memory. */
  cacheDir?: string;
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

/**
 * Runs the virtual-loop model frame after frame, carrying the background between calls and
 * feeding each zone's freeze flag. Input buffers are allocated once and reused for every frame.
 */
export class VirtualLoopRunner {
  readonly zoneIds: readonly string[];
  private readonly frameData: Float32Array;
  private readonly backgroundData: Float32Array;
  private readonly feeds: Record<string, ort.Tensor>;
  private hasBackground = false;
  private running = false;

  private constructor(
    readonly spec: VirtualLoopSpec,
    private readonly session: ort.InferenceSession,
    private readonly presence: MaxPresence,
  ) {
    const dims = [1, 3, spec.height, spec.width];
    this.zoneIds = spec.zones.map((z) => z.id);
    this.frameData = new Float32Array(3 * spec.width * spec.height);
    this.backgroundData = new Float32Array(this.frameData.length);
    this.feeds = {
      [VirtualLoopIo.frame]: new ort.Tensor("float32", this.frameData, dims),
      [VirtualLoopIo.background]: new ort.Tensor("float32", this.backgroundData, dims),
      [VirtualLoopIo.freeze]: new ort.Tensor("float32", presence.freeze, [presence.freeze.length]),
    };
  }

  static async create(input: VirtualLoopSpecInput, opts: VirtualLoopRunnerOptions = {}): Promise<VirtualLoopRunner> {
    const spec = parseVirtualLoopSpec(input);
    const presence = new MaxPresence(spec.zones.length, opts.maxPresenceFrames ?? DEFAULT_MAX_PRESENCE_FRAMES);
    const sessionOptions = opts.sessionOptions ?? {};
    const session =
      opts.cacheDir === undefined
        ? await ort.InferenceSession.create(buildVirtualLoopModel(spec), sessionOptions)
        : await ort.InferenceSession.create(await virtualLoopModelFile(spec, opts.cacheDir), sessionOptions);
    return new VirtualLoopRunner(spec, session, presence);
  }

  /** Frame length the model takes: CHW RGB 0–255 at the model resolution. */
  get frameLength(): number {
    return this.frameData.length;
  }

  /**
   * Read the zones in one frame (CHW RGB 0–255, length 3·H·W) and learn the background from it.
   * The first frame after create/reset becomes the background unless `setBackground` came first.
   */
  async run(frame: Float32Array): Promise<ZoneReadings> {
    this.checkLength(frame, "frame");
    // Concurrent runs would overwrite each other's shared input buffers.
    if (this.running) throw new Error("VirtualLoopRunner.run: previous frame still running; await it first");
    this.running = true;
    try {
      this.frameData.set(frame);
      if (!this.hasBackground) this.setBackground(frame);
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

  /** Start from a known empty scene instead of the first frame. */
  setBackground(frame: Float32Array): void {
    this.checkLength(frame, "background");
    this.backgroundData.set(frame);
    this.hasBackground = true;
  }

  /** A copy of the current background (CHW RGB), for inspection and tests. */
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
    await this.session.release();
  }

  private checkLength(frame: Float32Array, what: string): void {
    if (frame.length !== this.frameData.length) {
      const { width, height } = this.spec;
      throw new RangeError(
        `${what}: expected ${this.frameData.length} floats (3×${height}×${width} CHW), got ${frame.length}`,
      );
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
