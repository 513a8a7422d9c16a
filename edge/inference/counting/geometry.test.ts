import { describe, expect, it } from "vitest";
import {
  boxInZone,
  boxIntersectsPolygon,
  boxSideOfLine,
  crossingFraction,
  iou,
  lineSide,
  pointInPolygon,
  polygonArea,
} from "./geometry.js";
import type { PointXY } from "./types.js";

const square: PointXY[] = [
  [0, 0],
  [100, 0],
  [100, 100],
  [0, 100],
];

describe("geometry", () => {
  it("finds points inside and outside a concave polygon", () => {
    const ell: PointXY[] = [
      [0, 0],
      [100, 0],
      [100, 40],
      [40, 40],
      [40, 100],
      [0, 100],
    ];
    expect(pointInPolygon([20, 80], ell)).toBe(true);
    expect(pointInPolygon([80, 20], ell)).toBe(true);
    expect(pointInPolygon([80, 80], ell)).toBe(false);
    expect(pointInPolygon([-1, 50], ell)).toBe(false);
  });

  it("puts a vehicle in a zone by its ground point, not by its box", () => {
    // The box hangs over the zone, but the wheels stand below it.
    expect(boxInZone({ x1: 40, y1: 60, x2: 60, y2: 120 }, square)).toBe(false);
    expect(boxIntersectsPolygon({ x1: 40, y1: 60, x2: 60, y2: 120 }, square)).toBe(true);
    expect(boxInZone({ x1: 40, y1: 60, x2: 60, y2: 90 }, square)).toBe(true);
    expect(boxIntersectsPolygon({ x1: 200, y1: 200, x2: 220, y2: 220 }, square)).toBe(false);
  });

  it("sees a polygon lying wholly inside a box as overlapping it", () => {
    expect(boxIntersectsPolygon({ x1: -10, y1: -10, x2: 110, y2: 110 }, square)).toBe(true);
  });

  it("computes IoU of overlapping, nested and disjoint boxes", () => {
    expect(iou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 5, y1: 0, x2: 15, y2: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 0, y1: 0, x2: 10, y2: 10 })).toBe(1);
    expect(iou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 10, y1: 0, x2: 20, y2: 10 })).toBe(0);
  });

  it("measures polygon area whatever the winding", () => {
    expect(Math.abs(polygonArea(square))).toBe(10_000);
    expect(Math.abs(polygonArea([...square].reverse()))).toBe(10_000);
  });

  it("calls the screen-right side of from→to positive, with image y pointing down", () => {
    const from: PointXY = [0, 100];
    const to: PointXY = [200, 100];
    expect(lineSide([50, 130], from, to)).toBeCloseTo(30); // below the line on screen
    expect(lineSide([50, 70], from, to)).toBeCloseTo(-30);
    // Reversing the line swaps the sides.
    expect(lineSide([50, 130], to, from)).toBeCloseTo(-30);
  });

  it("says a box is on a side only when all four corners are beyond the margin", () => {
    const from: PointXY = [0, 100];
    const to: PointXY = [200, 100];
    expect(boxSideOfLine({ x1: 10, y1: 105, x2: 30, y2: 130 }, from, to)).toBe(1);
    expect(boxSideOfLine({ x1: 10, y1: 105, x2: 30, y2: 130 }, from, to, 10)).toBe(0);
    expect(boxSideOfLine({ x1: 10, y1: 95, x2: 30, y2: 130 }, from, to)).toBe(0);
    expect(boxSideOfLine({ x1: 10, y1: 50, x2: 30, y2: 99 }, from, to)).toBe(-1);
  });

  it("places a path's crossing along the line", () => {
    expect(crossingFraction([50, 0], [50, 200], [0, 100], [200, 100])).toBeCloseTo(0.25);
    expect(crossingFraction([300, 0], [300, 200], [0, 100], [200, 100])).toBeCloseTo(1.5);
    expect(crossingFraction([0, 0], [10, 0], [0, 100], [200, 100])).toBeNull();
  });
});
