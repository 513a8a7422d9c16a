import type { Box, PointXY } from "./types.js";

import { segmentsCross } from "../../../protocol/index.js";

export { polygonArea, segmentsCross } from "../../../protocol/index.js";

/** Where a vehicle touches the road: the middle of its box's bottom edge. */
export function groundPoint(box: Box): PointXY {
  return [(box.x1 + box.x2) / 2, box.y2];
}

export function boxArea(box: Box): number {
  return Math.max(0, box.x2 - box.x1) * Math.max(0, box.y2 - box.y1);
}

/** Intersection over union of two boxes, 0 when they do not overlap. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/** Even-odd ray casting; a point exactly on an edge may fall either way. */
export function pointInPolygon(point: PointXY, polygon: readonly PointXY[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A vehicle is in a zone when its ground point is: the box itself leans over neighbouring lanes. */
export function boxInZone(box: Box, polygon: readonly PointXY[]): boolean {
  return pointInPolygon(groundPoint(box), polygon);
}

/** Whether any part of the box overlaps the polygon (a looser test than `boxInZone`). */
export function boxIntersectsPolygon(box: Box, polygon: readonly PointXY[]): boolean {
  const corners: PointXY[] = [
    [box.x1, box.y1],
    [box.x2, box.y1],
    [box.x2, box.y2],
    [box.x1, box.y2],
  ];
  if (corners.some((c) => pointInPolygon(c, polygon))) return true;
  if (polygon.some(([x, y]) => x > box.x1 && x < box.x2 && y > box.y1 && y < box.y2)) return true;
  for (let i = 0; i < 4; i++) {
    const a = corners[i];
    const b = corners[(i + 1) % 4];
    for (let k = 0, j = polygon.length - 1; k < polygon.length; j = k++) {
      if (segmentsCross(a, b, polygon[j], polygon[k])) return true;
    }
  }
  return false;
}

/**
 * Signed distance (px) of a point from the line through `from`→`to`.
 * Positive means the point lies to the RIGHT of the vector from→to as seen on screen (image y
 * points down), negative to its left. A line drawn left to right across the image therefore has
 * its positive side below it: a vehicle driving down the image crosses it in the positive direction.
 */
export function lineSide(point: PointXY, from: PointXY, to: PointXY): number {
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  return (dx * (point[1] - from[1]) - dy * (point[0] - from[0])) / Math.hypot(dx, dy);
}

/**
 * +1 when all four corners of the box lie more than `marginPx` on the positive (right) side of the
 * line, -1 when all lie that far on the negative side, 0 while the box straddles the line.
 */
export function boxSideOfLine(box: Box, from: PointXY, to: PointXY, marginPx = 0): -1 | 0 | 1 {
  const s1 = lineSide([box.x1, box.y1], from, to);
  const s2 = lineSide([box.x2, box.y1], from, to);
  const s3 = lineSide([box.x2, box.y2], from, to);
  const s4 = lineSide([box.x1, box.y2], from, to);
  if (s1 > marginPx && s2 > marginPx && s3 > marginPx && s4 > marginPx) return 1;
  if (s1 < -marginPx && s2 < -marginPx && s3 < -marginPx && s4 < -marginPx) return -1;
  return 0;
}

/**
 * Where the path a→b meets the infinite line through from→to, as a fraction along from→to
 * (0 at `from`, 1 at `to`); null when the path runs parallel to the line.
 */
export function crossingFraction(a: PointXY, b: PointXY, from: PointXY, to: PointXY): number | null {
  const rx = to[0] - from[0];
  const ry = to[1] - from[1];
  const sx = b[0] - a[0];
  const sy = b[1] - a[1];
  const denom = rx * sy - ry * sx;
  if (denom === 0) return null;
  return ((a[0] - from[0]) * sy - (a[1] - from[1]) * sx) / denom;
}
