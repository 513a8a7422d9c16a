import type { VehicleClass } from "../../protocol/index.js";

export interface VehicleSpec {
  lengthM: number;
  /** Multiplies the saturation headway: heavy vehicles take longer to clear the stop line. */
  headwayFactor: number;
  /** Cap on desired speed, below the speed limit for bicycles. */
  maxSpeedKmh: number;
}

/** Passenger-car equivalents follow HCM practice: a bus or truck counts as 1.5 cars at the stop line. */
export const VEHICLE_SPECS: Readonly<Record<VehicleClass, VehicleSpec>> = {
  car: { lengthM: 4.5, headwayFactor: 1, maxSpeedKmh: 200 },
  truck: { lengthM: 12, headwayFactor: 1.5, maxSpeedKmh: 200 },
  bus: { lengthM: 12, headwayFactor: 1.5, maxSpeedKmh: 200 },
  motorcycle: { lengthM: 2.2, headwayFactor: 0.7, maxSpeedKmh: 200 },
  bicycle: { lengthM: 1.8, headwayFactor: 1, maxSpeedKmh: 20 },
};
