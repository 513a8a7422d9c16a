import { homedir } from "node:os";
import { join } from "node:path";
import { approachIdsOf, countingLinesOf, countingZonesOf, type CameraConfig } from "./camera-config.js";
import {
  LineCounter,
  LoopCounter,
  MeasuresAggregator,
  Tracker,
  ZoneMonitor,
  type CountSample,
  type CrossingEvent,
  type Detection,
  type IntervalMeasures,
  type LoopEvent,
  type ZoneState,
} from "./counting/index.js";
import { Detector, type DetectorConfigInput, type ObjectDetection, type PreparedFrame } from "./detector.js";
import { downsampleRawInto, openImage, RawRgbFrame, resizeInto, type FrameInput } from "./image-input.js";
import { overlapped } from "./overlap.js";
import { specHash, VirtualLoopRunner, type VirtualLoopSpecInput } from "./virtual-loop/index.js";

/** What one frame told the counter. */
export interface FrameReport {
  tMs: number;
  counts: CountSample[];
  zones: ZoneState[];
  /** Line crossings (detector models). */
  crossings: CrossingEvent[];
  /** Loop on/off transitions (virtual-loop model), for hi-res detector events 81/82. */
  loopEvents: LoopEvent[];
  /** Every object the detector found, in camera-config pixels (detector models). */
  detections: ObjectDetection[];
  /**
   * Per area zone over an approach, the vehicles in it: each one's delay so far within the zone
   * and its time to the stop line at the approach speed (the controller's `areaDetectors`).
   * Reported by the SUMO co-simulation's lane-area detectors; the camera models do not yet.
   */
  areas?: AreaSample[];
}

export interface AreaSample {
  zoneId: string;
  vehicles: { delayS: number; toStopLineS: number }[];
}

/**
 * The edge's one model interface: frames in, per-approach vehicle measures out. Frames go through
 * `process` in time order; `flush` closes an interval.
 */
export interface VehicleCounter {
  readonly modelId: string;
  readonly camera: CameraConfig;
  process(frame: FrameInput, tMs: number): Promise<FrameReport>;
  /** Decode frame i+1 while frame i runs; reports come in input order. */
  processStream(frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>): AsyncGenerator<FrameReport>;
  flush(nowMs: number): IntervalMeasures;
  close(): Promise<void>;
}

export interface TimedFrame {
  frame: FrameInput;
  tMs: number;
}

/** Detector → tracker → counting lines and zones → interval measures. */
export class DetectorVehicleCounter implements VehicleCounter {
  private readonly tracker = new Tracker();
  private readonly lines: LineCounter;
  private readonly zones: ZoneMonitor;
  private readonly aggregator: MeasuresAggregator;

  constructor(
    readonly detector: Detector,
    readonly camera: CameraConfig,
    startMs: number,
  ) {
    this.lines = new LineCounter(countingLinesOf(camera));
    this.zones = new ZoneMonitor(countingZonesOf(camera));
    this.aggregator = new MeasuresAggregator(approachIdsOf(camera), startMs);
  }

  static async create(modelPath: string, camera: CameraConfig, startMs: number, config: DetectorConfigInput = {}): Promise<DetectorVehicleCounter> {
    return new DetectorVehicleCounter(await Detector.create(modelPath, config), camera, startMs);
  }

  get modelId(): string {
    return this.detector.modelId;
  }

  async process(frame: FrameInput, tMs: number): Promise<FrameReport> {
    return this.count(await this.detector.prepare(frame, 0), tMs);
  }

  processStream(frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>): AsyncGenerator<FrameReport> {
    return overlapped(
      frames,
      this.detector.slots,
      async (f, slot) => ({ prepared: await this.detector.prepare(f.frame, slot), tMs: f.tMs }),
      (p) => this.count(p.prepared, p.tMs),
    );
  }

  private async count(prepared: PreparedFrame, tMs: number): Promise<FrameReport> {
    const result = await this.detector.infer(prepared);
    // Zones and lines are drawn on a camera-config-sized image; frames of another size are scaled to it.
    const sx = this.camera.width / result.width;
    const sy = this.camera.height / result.height;
    const detections = result.detections.map((d) =>
      sx === 1 && sy === 1 ? d : { ...d, box: { x1: d.box.x1 * sx, y1: d.box.y1 * sy, x2: d.box.x2 * sx, y2: d.box.y2 * sy } },
    );
    const vehicles: Detection[] = [];
    for (const d of detections) {
      if (d.vehicleClass) vehicles.push({ classId: d.classId, className: d.vehicleClass, score: d.score, box: d.box });
    }
    const tracks = this.tracker.update(vehicles, tMs);
    const crossings = this.lines.update(tracks, tMs);
    const zones = this.zones.update(tracks);
    const counts = crossings.map((c) => ({ approachId: c.approachId, className: c.className }));
    this.aggregator.recordFrame({ counts, zones });
    return { tMs, counts, zones, crossings, loopEvents: [], detections };
  }

  flush(nowMs: number): IntervalMeasures {
    return this.aggregator.flush(nowMs);
  }

  async close(): Promise<void> {
    await this.detector.release();
  }
}

/** Options for the built-in model. */
export interface VirtualLoopCounterOptions {
  cacheDir?: string;
  /** A picture of the empty road; without it the first frame becomes the background. */
  background?: FrameInput;
  maxPresenceFrames?: number;
  intraOpThreads?: number;
}

/** The camera's zones scaled to the virtual-loop model's resolution. */
export function virtualLoopSpecOf(camera: CameraConfig): VirtualLoopSpecInput {
  const scale = camera.virtualLoop?.scale ?? 0.25;
  const width = Math.max(8, Math.round(camera.width * scale));
  const height = Math.max(8, Math.round(camera.height * scale));
  const sx = width / camera.width;
  const sy = height / camera.height;
  return {
    width,
    height,
    zones: countingZonesOf(camera).map((z) => ({ id: z.id, polygon: z.polygon.map(([x, y]) => [x * sx, y * sy] as [number, number]) })),
    ...(camera.virtualLoop?.diffThreshold !== undefined ? { diffThreshold: camera.virtualLoop.diffThreshold } : {}),
    ...(camera.virtualLoop?.occupiedFraction !== undefined ? { occupiedFraction: camera.virtualLoop.occupiedFraction } : {}),
    ...(camera.virtualLoop?.backgroundAlpha !== undefined ? { backgroundAlpha: camera.virtualLoop.backgroundAlpha } : {}),
  };
}

/** Where generated models are cached: `$XDG_CACHE_HOME/traffic-signals/models` (or ~/.cache/…). */
export const DEFAULT_MODEL_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "traffic-signals", "models");

/** Built-in virtual-loop model → loops with hysteresis → interval measures. */
export class VirtualLoopVehicleCounter implements VehicleCounter {
  private readonly loops: LoopCounter;
  private readonly aggregator: MeasuresAggregator;
  private readonly buffers: Float32Array[];

  private constructor(
    private readonly runner: VirtualLoopRunner,
    readonly camera: CameraConfig,
    readonly modelId: string,
    private readonly width: number,
    private readonly height: number,
    startMs: number,
  ) {
    this.loops = new LoopCounter(countingZonesOf(camera));
    this.aggregator = new MeasuresAggregator(approachIdsOf(camera), startMs);
    this.buffers = [0, 1].map(() => new Float32Array(3 * width * height));
  }

  static async create(camera: CameraConfig, startMs: number, options: VirtualLoopCounterOptions = {}): Promise<VirtualLoopVehicleCounter> {
    const spec = virtualLoopSpecOf(camera);
    const runner = await VirtualLoopRunner.create(spec, {
      cacheDir: options.cacheDir ?? DEFAULT_MODEL_CACHE,
      // A tiny graph: more than one thread costs more in hand-offs than it saves.
      intraOpNumThreads: options.intraOpThreads ?? 1,
      sessionOptions: { executionProviders: ["cpu"] },
      ...(options.maxPresenceFrames !== undefined ? { maxPresenceFrames: options.maxPresenceFrames } : {}),
    });
    const counter = new VirtualLoopVehicleCounter(runner, camera, `virtual-loop@${specHash(spec).slice(0, 12)}`, spec.width, spec.height, startMs);
    if (options.background !== undefined) {
      const { image } = await openImage(options.background);
      await resizeInto(image, spec.width, spec.height, counter.buffers[0]!);
      runner.setBackground(counter.buffers[0]!);
    }
    return counter;
  }

  private async prepare(frame: FrameInput, slot: number): Promise<Float32Array> {
    const buffer = this.buffers[slot]!;
    // Raw frames at a whole multiple of the model size (simulated cameras) skip sharp entirely.
    if (typeof frame === "object" && !(frame instanceof Uint8Array) && RawRgbFrame.safeParse(frame).success) {
      if (downsampleRawInto(frame, this.width, this.height, buffer)) return buffer;
    }
    const { image } = await openImage(frame);
    await resizeInto(image, this.width, this.height, buffer);
    return buffer;
  }

  async process(frame: FrameInput, tMs: number): Promise<FrameReport> {
    return this.count(await this.prepare(frame, 0), tMs);
  }

  processStream(frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>): AsyncGenerator<FrameReport> {
    return overlapped(
      frames,
      this.buffers.length,
      async (f, slot) => ({ buffer: await this.prepare(f.frame, slot), tMs: f.tMs }),
      (p) => this.count(p.buffer, p.tMs),
    );
  }

  private async count(buffer: Float32Array, tMs: number): Promise<FrameReport> {
    const readings = await this.runner.run(buffer);
    const frame = this.loops.update(readings.occupancy, tMs);
    this.aggregator.recordFrame({ counts: frame.counts, zones: frame.loops });
    return { tMs, counts: frame.counts, zones: frame.loops, crossings: [], loopEvents: frame.events, detections: [] };
  }

  flush(nowMs: number): IntervalMeasures {
    return this.aggregator.flush(nowMs);
  }

  async close(): Promise<void> {
    await this.runner.close();
  }
}
