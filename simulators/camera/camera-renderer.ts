import sharp from "sharp";
import type { VehicleClass } from "../../protocol/index.js";
import type { CameraConfig, RawRgbFrame } from "../../edge/inference/index.js";
import type { IntersectionView, NetworkSnapshot, Scenario, StopLineCrossing } from "../traffic/index.js";
import { cameraConfigFor, findIntersection } from "./camera-config.js";
import { cameraPlacements, type ZonePlacement } from "./camera-zones.js";
import { CrossingAnimator } from "./crossing-animator.js";
import { hash32, hashUnit } from "./hash.js";
import { approachPoint, layoutIntersection, type IntersectionLayout, type Vec } from "./layout.js";
import { BRIGHTNESS_LEVELS, brightnessAt, brightnessLevel, lightingTable } from "./lighting.js";
import { parseCameraRendererOptions, type CameraRendererOptions, type CameraRendererOptionsInput } from "./options.js";
import { boundsOf, darkenRect, overlapsRect, paintBands, type OrientedRect } from "./raster.js";
import { drawRoadBackground } from "./road-background.js";
import { VEHICLE_SHADOW_FACTOR_256, vehicleLook, type VehicleLook } from "./vehicle-look.js";

/** Noise patterns the frames cycle through; each is the lit background plus its own noise. */
const NOISE_VARIANTS = 8;
/** Room in the noise table for the variants' offsets and for vehicle pixels. */
const NOISE_SLACK = 8191;
/** Drivers keep within ±LATERAL_JITTER_M of their lane's centre. */
const LATERAL_JITTER_M = 0.15;
/** Sun from the north-west: each vehicle's shadow falls this far east and south. */
const SHADOW_OFFSET_M: Vec = { x: 0.5, y: 0.4 };
/** Half the base over which a crossing vehicle's heading is taken from its path. */
const TANGENT_HALF_BASE_M = 0.5;

/** Vehicles in one zone of the camera configuration in one frame: their footprints overlap it. */
export interface ZoneTruth {
  zoneId: string;
  approachId: string;
  kind: "loop" | "queue" | "presence";
  vehicleIds: number[];
}

/** What a perfect counter would report for a frame. */
export interface FrameTruth {
  tS: number;
  zones: ZoneTruth[];
  /** Stop-line crossings handed to this frame, per approach id (every approach present, 0 when none). */
  crossingsByApproach: Record<string, number>;
}

export interface RenderedFrame {
  frame: RawRgbFrame;
  truth: FrameTruth;
}

interface DrawnVehicle {
  id: number;
  rect: OrientedRect;
  look: VehicleLook;
}

/**
 * A fixed overhead camera over one intersection of a simulation. The road is drawn once; each
 * frame copies it (already lit and noisy), then paints the vehicles on the approaches from the
 * snapshot and the ones crossing the box from the stop-line crossings it was handed. The same
 * seed, snapshots and crossings always give the same bytes.
 */
export class CameraRenderer {
  readonly options: CameraRendererOptions;
  readonly layout: IntersectionLayout;
  /** The configuration a field engineer would write for this camera. */
  readonly camera: CameraConfig;
  private readonly zones: ZonePlacement[];
  private readonly background: Uint8Array;
  private readonly noise: Int8Array | null;
  private readonly noiseOffsets: number[];
  private readonly variants: Uint8Array[];
  private readonly variantLevels: Int32Array;
  private readonly animator: CrossingAnimator;
  private readonly looks = new Map<number, VehicleLook>();
  private readonly drawn: DrawnVehicle[] = [];
  private readonly litBands = new Uint8Array(3 * 8);
  private readonly bandEnds: number[] = [];
  private readonly scratch: Vec = { x: 0, y: 0 };

  constructor(scenario: Scenario, readonly intersectionId: string, options: CameraRendererOptionsInput = {}) {
    this.options = parseCameraRendererOptions(options);
    this.layout = layoutIntersection(findIntersection(scenario, intersectionId), this.options);
    this.camera = cameraConfigFor(scenario, intersectionId, this.options);
    this.zones = cameraPlacements(this.layout).zones;
    const { seed, width, height } = this.options;
    this.background = drawRoadBackground(this.layout, seed, this.options.shadows);
    const bytes = width * height * 3;
    const variantCount = this.options.noise > 0 ? NOISE_VARIANTS : 1;
    this.noise = this.options.noise > 0 ? noiseTable(bytes + NOISE_SLACK, this.options.noise, seed) : null;
    this.noiseOffsets = Array.from({ length: variantCount }, (_, k) => hash32(seed, k + 1) % NOISE_SLACK);
    this.variants = Array.from({ length: variantCount }, () => new Uint8Array(bytes));
    this.variantLevels = new Int32Array(variantCount).fill(-1);
    this.animator = new CrossingAnimator(this.layout, this.options.crossingSpeedMps);
  }

  get width(): number {
    return this.options.width;
  }

  get height(): number {
    return this.options.height;
  }

  /** Global brightness of the scene at `tS` (1 = as drawn). */
  brightnessAt(tS: number): number {
    return brightnessAt(this.options, tS);
  }

  /** The empty road at `tS`: lighting and noise, no vehicles. The virtual-loop model's starting background. */
  emptyFrame(tS = 0): RawRgbFrame {
    const data = new Uint8Array(this.background.length);
    data.set(this.litVariant(tS).pixels);
    return { data, width: this.width, height: this.height, channels: 3 };
  }

  /**
   * Render the intersection at `snapshot.tS`. `crossings` are the stop-line crossings since the
   * previous frame (any intersection's; the others are ignored): their vehicles are animated across
   * the box from now on. Draws into `target` when given (reuse it to save the allocation), else into
   * a new buffer.
   */
  render(snapshot: NetworkSnapshot, crossings: readonly StopLineCrossing[] = [], target?: Uint8Array<ArrayBuffer>): RenderedFrame {
    const tS = snapshot.tS;
    const data = target ?? new Uint8Array(this.background.length);
    if (data.length !== this.background.length) {
      throw new RangeError(`render target holds ${data.length} bytes, a ${this.width}×${this.height} RGB frame needs ${this.background.length}`);
    }
    this.animator.add(crossings);
    const { pixels, noiseOffset, level } = this.litVariant(tS);
    data.set(pixels);

    const view = snapshot.intersections.find((x) => x.id === this.intersectionId);
    this.drawn.length = 0;
    if (view !== undefined) this.placeQueuedVehicles(view);
    this.placeCrossingVehicles(tS);

    const canvas = { data, width: this.width, height: this.height };
    if (this.options.shadows) {
      const mpp = this.layout.view.metersPerPixel;
      for (const v of this.drawn) {
        const r = v.rect;
        darkenRect(canvas, { ...r, cx: r.cx + SHADOW_OFFSET_M.x / mpp, cy: r.cy + SHADOW_OFFSET_M.y / mpp }, VEHICLE_SHADOW_FACTOR_256);
      }
    }
    for (const v of this.drawn) {
      const bands = v.look.bands;
      this.bandEnds.length = bands.length;
      for (let b = 0; b < bands.length; b++) {
        this.bandEnds[b] = bands[b].untilFraction;
        for (let c = 0; c < 3; c++) this.litBands[b * 3 + c] = Math.min(255, Math.round((bands[b].rgb[c] * level) / BRIGHTNESS_LEVELS));
      }
      paintBands(canvas, v.rect, this.bandEnds, this.litBands, this.noise, noiseOffset);
    }
    return {
      frame: { data, width: this.width, height: this.height, channels: 3 },
      truth: this.truth(tS, crossings),
    };
  }

  /** Render and encode as JPEG, as a real camera's feed (and for the dashboard or debugging). */
  async renderJpeg(snapshot: NetworkSnapshot, crossings: readonly StopLineCrossing[] = [], quality = 80): Promise<{ jpeg: Buffer; truth: FrameTruth }> {
    const { frame, truth } = this.render(snapshot, crossings);
    return { jpeg: await encodeJpeg(frame, quality), truth };
  }

  private placeQueuedVehicles(view: IntersectionView): void {
    for (const av of view.approaches) {
      const a = this.layout.approaches.find((x) => x.leg === av.approach);
      if (a === undefined) continue;
      for (const lane of av.lanes) {
        const laneCentreM = (lane.index + 0.5) * this.layout.laneWidthM;
        for (const v of lane.vehicles) {
          const centre = approachPoint(a, -v.distanceM - v.lengthM / 2, laneCentreM);
          this.place(v.id, v.class, centre.x, centre.y, a.u.x, a.u.y, v.lengthM);
        }
      }
    }
  }

  /**
   * A crossing vehicle's body lies along its path's tangent at the body's middle: on a turn its
   * ends stand out a little towards the outside, where a chord from rear to front would sweep the
   * inside of the turn (across other approaches' lanes) far more than a real vehicle does.
   */
  private placeCrossingVehicles(tS: number): void {
    const vehicles = this.animator.inView(tS, (gone) => this.looks.delete(gone.vehicleId));
    for (const v of vehicles) {
      const middleM = this.animator.frontM(v, tS) - v.lengthM / 2;
      const ahead = v.path.pointAt(middleM + TANGENT_HALF_BASE_M, this.scratch);
      const ax = ahead.x;
      const ay = ahead.y;
      const behind = v.path.pointAt(middleM - TANGENT_HALF_BASE_M, this.scratch);
      const bx = behind.x;
      const by = behind.y;
      const norm = Math.hypot(ax - bx, ay - by) || 1;
      const centre = v.path.pointAt(middleM, this.scratch);
      this.place(v.vehicleId, v.cls, centre.x, centre.y, (ax - bx) / norm, (ay - by) / norm, v.lengthM);
    }
  }

  /** Queue a vehicle for drawing: centre and unit heading in world metres. */
  private place(id: number, cls: VehicleClass, xM: number, yM: number, ux: number, uy: number, lengthM: number): void {
    const { view } = this.layout;
    const mpp = view.metersPerPixel;
    let look = this.looks.get(id);
    if (look === undefined) {
      if (this.looks.size > 20_000) this.looks.clear();
      look = vehicleLook(cls, id, this.options.seed);
      this.looks.set(id, look);
    }
    // Drivers hold a steady place across their lane, so a vehicle keeps its offset all the way.
    const jitterM = (hashUnit(id, this.options.seed ^ 0x1a7e) * 2 - 1) * LATERAL_JITTER_M;
    const cxM = xM - uy * jitterM;
    const cyM = yM + ux * jitterM;
    const rect: OrientedRect = {
      cx: (cxM - view.originX) / mpp,
      cy: (cyM - view.originY) / mpp,
      ux,
      uy,
      halfLength: lengthM / 2 / mpp,
      halfWidth: look.widthM / 2 / mpp,
    };
    const b = boundsOf(rect);
    if (b.x1 < 0 || b.y1 < 0 || b.x0 > view.width || b.y0 > view.height) return;
    this.drawn.push({ id, rect, look });
  }

  private truth(tS: number, crossings: readonly StopLineCrossing[]): FrameTruth {
    const zones: ZoneTruth[] = this.zones.map((z) => ({ zoneId: z.id, approachId: z.approachId, kind: z.kind, vehicleIds: [] }));
    for (const v of this.drawn) {
      const b = boundsOf(v.rect);
      for (let i = 0; i < this.zones.length; i++) {
        const r = this.zones[i].rect;
        if (b.x0 < r.x1 && b.x1 > r.x0 && b.y0 < r.y1 && b.y1 > r.y0 && overlapsRect(v.rect, r)) zones[i].vehicleIds.push(v.id);
      }
    }
    const crossingsByApproach: Record<string, number> = {};
    for (const a of this.layout.approaches) crossingsByApproach[a.leg] = 0;
    for (const c of crossings) {
      if (c.intersectionId === this.intersectionId) crossingsByApproach[c.approach] = (crossingsByApproach[c.approach] ?? 0) + 1;
    }
    return { tS, zones, crossingsByApproach };
  }

  /** The lit, noisy background for `tS`, recomputed only when its brightness level has changed since it was last used. */
  private litVariant(tS: number): { pixels: Uint8Array; noiseOffset: number; level: number } {
    const level = brightnessLevel(this.brightnessAt(tS));
    const k = hash32(Math.round(tS * 1000), this.options.seed) % this.variants.length;
    const pixels = this.variants[k];
    const noiseOffset = this.noiseOffsets[k];
    if (this.variantLevels[k] !== level) {
      const table = lightingTable(level);
      const bg = this.background;
      const noise = this.noise;
      if (noise === null) {
        for (let i = 0; i < bg.length; i++) pixels[i] = table[bg[i]];
      } else {
        // A clamped view does the 0–255 clamping of background + noise for free.
        const clamped = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length);
        for (let i = 0; i < bg.length; i++) clamped[i] = table[bg[i]] + noise[noiseOffset + i];
      }
      this.variantLevels[k] = level;
    }
    return { pixels, noiseOffset, level };
  }
}

/** Triangular noise in ±amplitude (the sum of two uniforms), from a seeded generator. */
function noiseTable(length: number, amplitude: number, seed: number): Int8Array {
  const table = new Int8Array(length);
  const a = Math.min(127, amplitude);
  for (let i = 0; i < length; i++) {
    const u = hashUnit(i, seed ^ 0x2b1d) + hashUnit(i, seed ^ 0x51f3) - 1;
    table[i] = Math.round(u * a);
  }
  return table;
}

/** A raw frame as JPEG bytes. */
export async function encodeJpeg(frame: RawRgbFrame, quality = 80): Promise<Buffer> {
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}
