import { LEGS, TURNS, exitLeg, laneTurns, type Leg, type ScenarioIntersection, type Turn } from "../traffic/index.js";
import type { CameraRendererOptions } from "./options.js";

/**
 * Ground geometry of one intersection as the camera sees it. World coordinates are metres from the
 * intersection's centre along the image axes: x east, y SOUTH (so the camera looks down, north up).
 * Traffic drives on the right.
 */

export const LANE_WIDTH_M = 3.5;
/**
 * Stop line to the edge of the conflict area (stop bar, crosswalk, curb return). Only vehicles that
 * have crossed the stop line drive here, and none stands still here: the counting loops go in it.
 */
export const STOP_LINE_SETBACK_M = 6;
export const SIDEWALK_M = 3;

export interface Vec {
  x: number;
  y: number;
}

/** Direction of travel of traffic coming from each leg (from N, heading south). */
export const INBOUND_DIRECTION: Readonly<Record<Leg, Vec>> = {
  N: { x: 0, y: 1 },
  E: { x: -1, y: 0 },
  S: { x: 0, y: -1 },
  W: { x: 1, y: 0 },
};

/** The driver's right of a heading (image y points down). */
export function rightOf(d: Vec): Vec {
  return { x: -d.y, y: d.x };
}

export interface LegRoad {
  leg: Leg;
  /** Lanes towards the intersection (0 on an exit-only leg), on the right of `inbound`. */
  inboundLanes: number;
  /** Lanes away from it, on the left of `inbound`, beyond the painted median. */
  outboundLanes: number;
  /**
   * A painted median between the centreline and the outbound lanes, as wide as the left-turn bays
   * of the approach opposite: its through lanes then run straight across the box into the outbound
   * lanes, as on a real arterial.
   */
  medianLanes: number;
  inbound: Vec;
}

/** Lanes' worth of road on the outbound side of the centreline: median and outbound lanes. */
export function outboundSideLanes(road: LegRoad): number {
  return road.medianLanes + road.outboundLanes;
}

export interface ApproachLayout {
  leg: Leg;
  lanes: number;
  laneTurns: Turn[][];
  /** The stop line where it meets the road's centreline. */
  stopLine: Vec;
  /** Direction of travel into the intersection. */
  u: Vec;
  /** The driver's right: lane i's centre is stopLine + r · (i + ½) · laneWidth. */
  r: Vec;
  lengthM: number;
}

/** The conflict area, where crossing paths meet. */
export interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export interface View {
  width: number;
  height: number;
  metersPerPixel: number;
  /** World point at the image's top-left corner. */
  originX: number;
  originY: number;
}

export interface IntersectionLayout {
  intersectionId: string;
  laneWidthM: number;
  setbackM: number;
  box: Box;
  legs: LegRoad[];
  approaches: ApproachLayout[];
  view: View;
}

function legRoads(x: ScenarioIntersection): LegRoad[] {
  const inbound: Record<Leg, number> = { N: 0, E: 0, S: 0, W: 0 };
  const outbound: Record<Leg, number> = { N: 0, E: 0, S: 0, W: 0 };
  const median: Record<Leg, number> = { N: 0, E: 0, S: 0, W: 0 };
  for (const leg of LEGS) {
    const a = x.approaches[leg];
    if (a === undefined) continue;
    inbound[leg] = a.lanes.through + a.lanes.left + a.lanes.right;
    for (const turn of TURNS) {
      if (a.turning[turn] <= 0) continue;
      const exit = exitLeg(leg, turn);
      outbound[exit] = Math.max(outbound[exit], turn === "through" ? Math.max(1, a.lanes.through) : 1);
      if (turn === "through") median[exit] = Math.max(median[exit], a.lanes.left);
    }
  }
  return LEGS.filter((leg) => inbound[leg] + outbound[leg] > 0).map((leg) => ({
    leg,
    inboundLanes: inbound[leg],
    outboundLanes: outbound[leg],
    medianLanes: outbound[leg] > 0 ? median[leg] : 0,
    inbound: INBOUND_DIRECTION[leg],
  }));
}

function conflictBox(legs: readonly LegRoad[], laneWidthM: number): Box {
  const lanes = (leg: Leg, side: "in" | "out"): number => {
    const road = legs.find((l) => l.leg === leg);
    if (road === undefined) return 0;
    return side === "in" ? road.inboundLanes : outboundSideLanes(road);
  };
  // N's inbound lanes lie west of its centreline, S's east; E's north, W's south.
  return {
    minX: -Math.max(1, lanes("N", "in"), lanes("S", "out")) * laneWidthM,
    maxX: Math.max(1, lanes("N", "out"), lanes("S", "in")) * laneWidthM,
    minY: -Math.max(1, lanes("E", "in"), lanes("W", "out")) * laneWidthM,
    maxY: Math.max(1, lanes("E", "out"), lanes("W", "in")) * laneWidthM,
  };
}

/** Where the road's centreline on `leg` leaves the box, `beyondM` further out. */
export function legPoint(box: Box, leg: Leg, beyondM: number): Vec {
  switch (leg) {
    case "N":
      return { x: 0, y: box.minY - beyondM };
    case "S":
      return { x: 0, y: box.maxY + beyondM };
    case "E":
      return { x: box.maxX + beyondM, y: 0 };
    case "W":
      return { x: box.minX - beyondM, y: 0 };
  }
}

function fitView(box: Box, options: CameraRendererOptions, setbackM: number): View {
  const { width, height } = options;
  const reachM = setbackM + options.approachViewM;
  const metersPerPixel =
    options.metersPerPixel ?? Math.max((box.maxX - box.minX + 2 * reachM) / width, (box.maxY - box.minY + 2 * reachM) / height);
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  return { width, height, metersPerPixel, originX: cx - (width * metersPerPixel) / 2, originY: cy - (height * metersPerPixel) / 2 };
}

/** The intersection's roads, lanes, stop lines and the camera's view of them. */
export function layoutIntersection(x: ScenarioIntersection, options: CameraRendererOptions): IntersectionLayout {
  const laneWidthM = LANE_WIDTH_M;
  const setbackM = STOP_LINE_SETBACK_M;
  const legs = legRoads(x);
  const box = conflictBox(legs, laneWidthM);
  const approaches: ApproachLayout[] = [];
  for (const leg of LEGS) {
    const a = x.approaches[leg];
    if (a === undefined) continue;
    const u = INBOUND_DIRECTION[leg];
    const turns = laneTurns(a.lanes);
    approaches.push({ leg, lanes: turns.length, laneTurns: turns, stopLine: legPoint(box, leg, setbackM), u, r: rightOf(u), lengthM: a.lengthM });
  }
  return { intersectionId: x.id, laneWidthM, setbackM, box, legs, approaches, view: fitView(box, options, setbackM) };
}

/** World metres to image pixels (continuous: pixel (i, j) spans [i, i+1) × [j, j+1)). */
export function toPixel(view: View, p: Vec): Vec {
  return { x: (p.x - view.originX) / view.metersPerPixel, y: (p.y - view.originY) / view.metersPerPixel };
}

/** A point of an approach in lane coordinates: `alongM` past the stop line (negative upstream), `lateralM` right of the centreline. */
export function approachPoint(a: ApproachLayout, alongM: number, lateralM: number): Vec {
  return { x: a.stopLine.x + a.u.x * alongM + a.r.x * lateralM, y: a.stopLine.y + a.u.y * alongM + a.r.y * lateralM };
}

/** How far upstream of its stop line an approach stays inside the image. */
export function visibleUpstreamM(layout: IntersectionLayout, a: ApproachLayout): number {
  const { view } = layout;
  const right = view.originX + view.width * view.metersPerPixel;
  const bottom = view.originY + view.height * view.metersPerPixel;
  if (a.u.y > 0) return a.stopLine.y - view.originY;
  if (a.u.y < 0) return bottom - a.stopLine.y;
  if (a.u.x > 0) return a.stopLine.x - view.originX;
  return right - a.stopLine.x;
}
