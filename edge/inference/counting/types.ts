import type { VehicleClass } from "../../../protocol/index.js";

export { ZONE_KINDS, ZoneKind, CountDirection, type PointXY } from "../../../protocol/index.js";
import type { CountDirection, PointXY, ZoneKind } from "../../../protocol/index.js";

/** An axis-aligned box in image pixels: (x1, y1) top-left, (x2, y2) bottom-right. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One vehicle found by a detector in one frame, in the original image's pixels. */
export interface Detection {
  classId: number;
  className: VehicleClass;
  score: number;
  box: Box;
}


export type CrossingDirection = "positive" | "negative";

/** A counting line of one approach, as the counters need it. */
export interface CountingLine {
  id: string;
  approachId: string;
  from: PointXY;
  to: PointXY;
  countDirection: CountDirection;
}

/** A zone of one approach, as the counters need it. */
export interface CountingZone {
  id: string;
  approachId: string;
  kind: ZoneKind;
  polygon: readonly PointXY[];
  /** Vehicles that fit in a queue zone; turns a loop's occupancy into a queue estimate. */
  capacityVeh?: number;
  lanes: number;
}

/** The part of a tracker's track the counters read, so tests can feed tracks directly. */
export interface TrackedVehicle {
  id: number;
  box: Box;
  className: VehicleClass;
  confirmed: boolean;
  /** Consecutive frames without a matching detection; 0 when seen in this frame. */
  misses: number;
  /** Smoothed motion of the box centre, px per frame. */
  velocity: { x: number; y: number };
}

/** Something that adds to an approach's count in the current interval. */
export interface CountSample {
  approachId: string;
  className?: VehicleClass;
}
