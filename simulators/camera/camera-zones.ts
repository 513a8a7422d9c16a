import type { Leg } from "../traffic/index.js";
import { approachPoint, toPixel, visibleUpstreamM, type ApproachLayout, type IntersectionLayout } from "./layout.js";

/**
 * Where the simulated camera's zones and lines go. Count loops sit just past the stop line, in the
 * crosswalk strip before the conflict area: every vehicle of the lane passes there exactly once,
 * none stands still there (queues stop behind the stop line) and no other approach's traffic
 * drives there, so one loop-on is one vehicle.
 */
export const LOOP_START_M = 1;
export const LOOP_END_M = 4;
/**
 * A loop is a stripe along the lane centre just over one model pixel wide (at least MIN_LOOP_WIDTH_M):
 * a motorcycle or a bicycle at the centre then fills it as a car does. A loop as wide as a car
 * would see a two-wheeler as a quarter of its pixels, below the counter's on-threshold.
 */
export const MIN_LOOP_WIDTH_M = 0.5;
const MAX_LOOP_WIDTH_M = 1.2;
/** Road length one queued vehicle takes (a car plus the gap to the next). */
export const QUEUE_SPACING_M = 7;
export const MAX_QUEUE_ZONE_M = 120;
/** The model needs a loop at least this many of its pixels long for its occupancy to mean something. */
export const MIN_LOOP_MODEL_PX = 6;

/** An axis-aligned rectangle in continuous image pixels. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ZonePlacement {
  id: string;
  approachId: Leg;
  kind: "loop" | "queue";
  rect: PixelRect;
  lanes: number;
  /** Loops: the lane they watch. */
  lane?: number;
  capacityVeh?: number;
}

export interface LinePlacement {
  id: string;
  approachId: Leg;
  from: [number, number];
  to: [number, number];
}

export interface CameraPlacements {
  zones: ZonePlacement[];
  lines: LinePlacement[];
}

function laneRect(layout: IntersectionLayout, a: ApproachLayout, fromM: number, toM: number, leftM: number, rightM: number): PixelRect {
  const p = toPixel(layout.view, approachPoint(a, fromM, leftM));
  const q = toPixel(layout.view, approachPoint(a, toM, rightM));
  return clip({ x0: Math.min(p.x, q.x), y0: Math.min(p.y, q.y), x1: Math.max(p.x, q.x), y1: Math.max(p.y, q.y) }, layout);
}

function clip(r: PixelRect, layout: IntersectionLayout): PixelRect {
  const { width, height } = layout.view;
  return { x0: Math.max(0, r.x0), y0: Math.max(0, r.y0), x1: Math.min(width, r.x1), y1: Math.min(height, r.y1) };
}

function hasArea(r: PixelRect): boolean {
  return r.x1 - r.x0 >= 1 && r.y1 - r.y0 >= 1;
}

/** Loops per lane, a queue zone per approach and a counting line on each stop line. */
export function cameraPlacements(layout: IntersectionLayout): CameraPlacements {
  const w = layout.laneWidthM;
  const loopWidthM = loopWidthMFor(layout.view.metersPerPixel);
  const zones: ZonePlacement[] = [];
  const lines: LinePlacement[] = [];
  for (const a of layout.approaches) {
    for (let lane = 0; lane < a.lanes; lane++) {
      const centreM = (lane + 0.5) * w;
      const rect = laneRect(layout, a, LOOP_START_M, LOOP_END_M, centreM - loopWidthM / 2, centreM + loopWidthM / 2);
      if (hasArea(rect)) zones.push({ id: `${a.leg}-loop-${lane}`, approachId: a.leg, kind: "loop", rect, lanes: 1, lane });
    }
    // The queue zone leaves a little of the lanes' outer edges out: the curb and the centre line are not queue.
    const queueM = Math.floor(Math.min(visibleUpstreamM(layout, a) - 1, a.lengthM, MAX_QUEUE_ZONE_M));
    if (queueM >= QUEUE_SPACING_M) {
      const rect = laneRect(layout, a, 0, -queueM, 0.25, a.lanes * w - 0.25);
      const capacityVeh = Math.max(1, Math.round(queueM / QUEUE_SPACING_M)) * a.lanes;
      if (hasArea(rect)) zones.push({ id: `${a.leg}-queue`, approachId: a.leg, kind: "queue", rect, lanes: a.lanes, capacityVeh });
    }
    // Drawn from the curb side to the centreline, so a vehicle moving into the box crosses it "positive".
    const from = toPixel(layout.view, approachPoint(a, 0, a.lanes * w));
    const to = toPixel(layout.view, approachPoint(a, 0, 0));
    lines.push({ id: `${a.leg}-stop`, approachId: a.leg, from: [from.x, from.y], to: [to.x, to.y] });
  }
  return { zones, lines };
}

/** The smallest model scale (in steps of 0.05, at least 0.25) that makes every loop MIN_LOOP_MODEL_PX long. */
export function virtualLoopScale(metersPerPixel: number): number {
  const needed = (MIN_LOOP_MODEL_PX * metersPerPixel) / (LOOP_END_M - LOOP_START_M);
  return Math.min(1, Math.max(0.25, Math.ceil(needed * 20 - 1e-9) / 20));
}

/** Width of the count loops for a ground resolution: one model pixel and a little more. */
export function loopWidthMFor(metersPerPixel: number): number {
  const modelPixelM = metersPerPixel / virtualLoopScale(metersPerPixel);
  return Math.min(MAX_LOOP_WIDTH_M, Math.max(MIN_LOOP_WIDTH_M, 1.05 * modelPixelM));
}
