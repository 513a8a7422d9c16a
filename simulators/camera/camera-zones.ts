import type { Leg } from "../traffic/index.js";
import { approachPoint, toPixel, visibleUpstreamM, type ApproachLayout, type IntersectionLayout } from "./layout.js";

/**
 * Where the simulated camera's zones and lines go. Count loops sit just past the stop line, in the
 * crosswalk strip before the conflict area: every vehicle of the lane passes there exactly once,
 * none stands still there (queues stop behind the stop line) and no other approach's traffic
 * drives there, so one loop-on is one vehicle.
 *
 * A loop is cut to the model's pixel grid, as an inductive loop is cut to size: LOOP_MODEL_PX
 * pixels along the lane and one across, on the lane's centre. A motorcycle or a bicycle then fills
 * it as a car does (a car-wide loop would see a two-wheeler as a quarter of its pixels, below the
 * counter's on-threshold), and a bicycle two pixels long is 2/6, just over the 0.3 on-threshold.
 */
export const LOOP_MODEL_PX = 6;
/** The loop starts at the first model-pixel edge this far past the stop line (clear of a vehicle waiting at it)… */
export const LOOP_FIRST_M = 0.75;
/** …and ends before this, clear of the crosswalk's far line and of cross traffic. */
export const LOOP_LAST_M = 5.15;
/** Road length one queued vehicle takes (a car plus the gap to the next). */
export const QUEUE_SPACING_M = 7;
export const MAX_QUEUE_ZONE_M = 120;
/** A stop-bar presence zone: 12 m (40 ft) from the stop line back, as ATSPM's split failure measure expects. */
export const STOP_BAR_ZONE_M = 12;
/** An advance presence zone: this long, its upstream edge at most ADVANCE_ZONE_MAX_M upstream (ATSPM: 350–400 ft)… */
export const ADVANCE_ZONE_M = 2;
export const ADVANCE_ZONE_MAX_M = 110;
/** …and inside the view, 1 m clear of the image edge. */
const VIEW_MARGIN_M = 1;
/** ATSPM detector channels start here, clear of the zones' default channels (their positions, 1…). */
export const FIRST_ATSPM_CHANNEL = 101;
const MIN_SCALE = 0.25;
/** Keeps a polygon edge off the pixel centres it bounds. */
const EDGE_INSET_PX = 0.02;

/** An axis-aligned rectangle in continuous image pixels. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A presence zone that is an ATSPM detector: its kind, its channel, and (advance) how far upstream its far edge is. */
export interface AtspmZone {
  kind: "stop-bar" | "advance";
  channel: number;
  /** Stop line to the zone's upstream edge, where a vehicle's front turns it on. */
  distanceM: number;
}

export interface ZonePlacement {
  id: string;
  approachId: Leg;
  kind: "loop" | "queue" | "presence";
  rect: PixelRect;
  lanes: number;
  /** Loops and ATSPM zones: the lane they watch. */
  lane?: number;
  capacityVeh?: number;
  atspm?: AtspmZone;
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
  /** The virtual-loop model's scale the loops are cut for. */
  scale: number;
}

/** The model's resolution per image pixel along each axis, as `virtualLoopSpecOf` rounds it. */
function modelFactors(layout: IntersectionLayout, scale: number): { fx: number; fy: number } {
  const { width, height } = layout.view;
  return { fx: Math.max(8, Math.round(width * scale)) / width, fy: Math.max(8, Math.round(height * scale)) / height };
}

/**
 * The smallest model scale (a multiple of 0.05, at least 0.25) at which a loop of LOOP_MODEL_PX
 * pixels, started on the first pixel edge past LOOP_FIRST_M, still ends before LOOP_LAST_M.
 */
export function virtualLoopScale(metersPerPixel: number): number {
  const maxModelPixelM = (LOOP_LAST_M - LOOP_FIRST_M) / (LOOP_MODEL_PX + 1);
  const needed = metersPerPixel / maxModelPixelM;
  return Math.min(1, Math.max(MIN_SCALE, Math.ceil(needed * 20 - 1e-9) / 20));
}

function clip(r: PixelRect, layout: IntersectionLayout): PixelRect {
  const { width, height } = layout.view;
  return { x0: Math.max(0, r.x0), y0: Math.max(0, r.y0), x1: Math.min(width, r.x1), y1: Math.min(height, r.y1) };
}

function hasArea(r: PixelRect): boolean {
  return r.x1 - r.x0 >= 0.5 && r.y1 - r.y0 >= 0.5;
}

function laneRect(layout: IntersectionLayout, a: ApproachLayout, fromM: number, toM: number, leftM: number, rightM: number): PixelRect {
  const p = toPixel(layout.view, approachPoint(a, fromM, leftM));
  const q = toPixel(layout.view, approachPoint(a, toM, rightM));
  return clip({ x0: Math.min(p.x, q.x), y0: Math.min(p.y, q.y), x1: Math.max(p.x, q.x), y1: Math.max(p.y, q.y) }, layout);
}

/** A span of whole model pixels [first, first + count) along one axis, in image pixels, inset off the pixel centres' neighbours. */
function modelSpan(first: number, count: number, factor: number): [number, number] {
  return [(first + EDGE_INSET_PX) / factor, (first + count - EDGE_INSET_PX) / factor];
}

/** Lane `lane`'s count loop, on the model grid. */
function loopRect(layout: IntersectionLayout, a: ApproachLayout, lane: number, scale: number): PixelRect {
  const { fx, fy } = modelFactors(layout, scale);
  const mpp = layout.view.metersPerPixel;
  const centre = toPixel(layout.view, approachPoint(a, 0, (lane + 0.5) * layout.laneWidthM));
  const alongX = a.u.x !== 0;
  const factorAlong = alongX ? fx : fy;
  const factorAcross = alongX ? fy : fx;
  const direction = alongX ? a.u.x : a.u.y;
  // Model coordinates of the stop line along the lane, and of the lane centre across it.
  const stop = (alongX ? centre.x : centre.y) * factorAlong;
  const firstM = (LOOP_FIRST_M / mpp) * factorAlong;
  // A view too coarse even at scale 1 gets shorter loops rather than loops into the cross traffic.
  const modelPixelM = mpp / factorAlong;
  const length = Math.max(1, Math.min(LOOP_MODEL_PX, Math.floor((LOOP_LAST_M - LOOP_FIRST_M) / modelPixelM) - 1));
  const first = direction > 0 ? Math.ceil(stop + firstM) : Math.floor(stop - firstM) - length;
  const [a0, a1] = modelSpan(first, length, factorAlong);
  const [c0, c1] = modelSpan(Math.floor((alongX ? centre.y : centre.x) * factorAcross), 1, factorAcross);
  return clip(alongX ? { x0: a0, x1: a1, y0: c0, y1: c1 } : { x0: c0, x1: c1, y0: a0, y1: a1 }, layout);
}

/**
 * ATSPM's detectors on every lane that carries through traffic (left-turn lanes have their own
 * phase and are left out of arrivals on green): a stop-bar presence zone over the first 12 m and an
 * advance presence zone as far upstream as the view allows, up to ADVANCE_ZONE_MAX_M. Presence
 * zones, so they are not counted as vehicles a second time. Half a metre of each lane's sides is
 * left out, so a vehicle in the next lane does not turn them on.
 */
function atspmZones(layout: IntersectionLayout, a: ApproachLayout, nextChannel: () => number): ZonePlacement[] {
  const w = layout.laneWidthM;
  const zones: ZonePlacement[] = [];
  const advanceFarM = Math.floor(Math.min(ADVANCE_ZONE_MAX_M, visibleUpstreamM(layout, a) - VIEW_MARGIN_M, a.lengthM - VIEW_MARGIN_M));
  const hasAdvance = advanceFarM - ADVANCE_ZONE_M >= STOP_BAR_ZONE_M;
  a.laneTurns.forEach((turns, lane) => {
    if (!turns.includes("through")) return;
    const stopBar = laneRect(layout, a, 0, -STOP_BAR_ZONE_M, lane * w + 0.5, (lane + 1) * w - 0.5);
    if (hasArea(stopBar)) {
      zones.push({ id: `${a.leg}-stopbar-${lane}`, approachId: a.leg, kind: "presence", rect: stopBar, lanes: 1, lane, atspm: { kind: "stop-bar", channel: nextChannel(), distanceM: 0 } });
    }
    const advance = laneRect(layout, a, -(advanceFarM - ADVANCE_ZONE_M), -advanceFarM, lane * w + 0.5, (lane + 1) * w - 0.5);
    if (hasAdvance && hasArea(advance)) {
      zones.push({ id: `${a.leg}-advance-${lane}`, approachId: a.leg, kind: "presence", rect: advance, lanes: 1, lane, atspm: { kind: "advance", channel: nextChannel(), distanceM: advanceFarM } });
    }
  });
  return zones;
}

/**
 * Loops per lane, a queue zone per approach, a counting line on each stop line, and ATSPM's
 * stop-bar and advance presence zones on the through lanes.
 */
export function cameraPlacements(layout: IntersectionLayout): CameraPlacements {
  const w = layout.laneWidthM;
  const scale = virtualLoopScale(layout.view.metersPerPixel);
  const zones: ZonePlacement[] = [];
  const lines: LinePlacement[] = [];
  let channel = FIRST_ATSPM_CHANNEL;
  const nextChannel = (): number => channel++;
  for (const a of layout.approaches) {
    for (let lane = 0; lane < a.lanes; lane++) {
      const rect = loopRect(layout, a, lane, scale);
      if (hasArea(rect)) zones.push({ id: `${a.leg}-loop-${lane}`, approachId: a.leg, kind: "loop", rect, lanes: 1, lane });
    }
    // The queue zone leaves a little of the lanes' outer edges out: the curb and the centre line are not queue.
    const queueM = Math.floor(Math.min(visibleUpstreamM(layout, a) - 1, a.lengthM, MAX_QUEUE_ZONE_M));
    if (queueM >= QUEUE_SPACING_M) {
      const rect = laneRect(layout, a, 0, -queueM, 0.25, a.lanes * w - 0.25);
      const capacityVeh = Math.max(1, Math.round(queueM / QUEUE_SPACING_M)) * a.lanes;
      if (hasArea(rect)) zones.push({ id: `${a.leg}-queue`, approachId: a.leg, kind: "queue", rect, lanes: a.lanes, capacityVeh });
    }
    zones.push(...atspmZones(layout, a, nextChannel));
    // Drawn from the curb side to the centreline, so a vehicle moving into the box crosses it "positive".
    const from = toPixel(layout.view, approachPoint(a, 0, a.lanes * w));
    const to = toPixel(layout.view, approachPoint(a, 0, 0));
    lines.push({ id: `${a.leg}-stop`, approachId: a.leg, from: [from.x, from.y], to: [to.x, to.y] });
  }
  return { zones, lines, scale };
}
