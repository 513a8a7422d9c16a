import type { VehicleClass } from "../../protocol/index.js";
import { VEHICLE_SPECS, type Leg, type StopLineCrossing, type Turn } from "../traffic/index.js";
import { crossingPath, type CrossingPath } from "./crossing-path.js";
import type { IntersectionLayout } from "./layout.js";

export interface CrossingVehicle {
  vehicleId: number;
  cls: VehicleClass;
  approach: Leg;
  lengthM: number;
  crossedS: number;
  speedMps: number;
  path: CrossingPath;
}

/**
 * Vehicles that crossed a stop line: the simulation drops them from the approach at once, the
 * camera sees each drive on from its stop line along its movement's path at a steady speed until
 * it has left the view.
 */
export class CrossingAnimator {
  private readonly paths = new Map<string, CrossingPath>();
  private vehicles: CrossingVehicle[] = [];

  constructor(
    private readonly layout: IntersectionLayout,
    private readonly crossingSpeedMps: number,
  ) {}

  /** Start animating the crossings at this intersection (others are ignored). */
  add(crossings: readonly StopLineCrossing[]): void {
    for (const c of crossings) {
      if (c.intersectionId !== this.layout.intersectionId) continue;
      const path = this.pathOf(c.approach, c.lane, c.turn);
      if (path === null) continue;
      const spec = VEHICLE_SPECS[c.class];
      this.vehicles.push({
        vehicleId: c.vehicleId,
        cls: c.class,
        approach: c.approach,
        lengthM: spec.lengthM,
        crossedS: c.tS,
        speedMps: Math.min(this.crossingSpeedMps, spec.maxSpeedKmh / 3.6),
        path,
      });
    }
  }

  /** Distance of a vehicle's front past its stop line at `tS`. */
  frontM(v: CrossingVehicle, tS: number): number {
    return Math.max(0, (tS - v.crossedS) * v.speedMps);
  }

  /** The vehicles still in view at `tS`; those whose rear has passed the end of their path are dropped, and returned in `gone`. */
  inView(tS: number, gone?: (v: CrossingVehicle) => void): readonly CrossingVehicle[] {
    let kept = 0;
    for (const v of this.vehicles) {
      if (this.frontM(v, tS) - v.lengthM > v.path.lengthM) gone?.(v);
      else this.vehicles[kept++] = v;
    }
    this.vehicles.length = kept;
    return this.vehicles;
  }

  pathOf(approach: Leg, lane: number, turn: Turn): CrossingPath | null {
    const key = `${approach}/${lane}/${turn}`;
    let path = this.paths.get(key);
    if (path === undefined) {
      const a = this.layout.approaches.find((x) => x.leg === approach);
      if (a === undefined || lane < 0 || lane >= a.lanes) return null;
      path = crossingPath(this.layout, a, lane, turn);
      this.paths.set(key, path);
    }
    return path;
  }
}
