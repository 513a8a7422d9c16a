import type { VehicleClass } from "../../protocol/index.js";
import { hash32 } from "./hash.js";

export type Rgb = readonly [number, number, number];

/** Road surface colours the vehicle palettes keep their distance from. */
export const ASPHALT_RGB: Rgb = [99, 99, 103];
/** A tree's or building's shadow multiplies the ground by this. */
export const STATIC_SHADOW_FACTOR = 0.72;
/** Fixed-point (÷256) darkening under a vehicle's own shadow. */
export const VEHICLE_SHADOW_FACTOR_256 = 150;

export const VEHICLE_WIDTH_M: Readonly<Record<VehicleClass, number>> = {
  car: 1.8,
  truck: 2.5,
  bus: 2.55,
  motorcycle: 0.8,
  bicycle: 0.6,
};

/**
 * Body colours. The built-in model finds vehicles by their difference from the empty road, so no
 * colour here is asphalt-grey: every one differs from lit and shadowed asphalt by at least ~40
 * levels in some channel. Real grey cars on grey asphalt are the known blind spot of background
 * subtraction (as of any loop-less camera counter); this simulator leaves them out rather than
 * pretend the model sees them.
 */
export const CAR_COLOURS: readonly Rgb[] = [
  [236, 236, 232], // white
  [26, 26, 30], // black
  [186, 189, 194], // silver
  [176, 28, 32], // red
  [30, 64, 160], // blue
  [24, 34, 90], // dark blue
  [30, 105, 60], // green
  [225, 190, 40], // yellow
  [215, 110, 30], // orange
  [210, 196, 160], // beige
  [120, 170, 220], // light blue
  [236, 236, 232], // white again: the commonest car colour
];
const TRUCK_BOX_COLOURS: readonly Rgb[] = [
  [236, 236, 232],
  [200, 40, 36],
  [30, 70, 150],
  [220, 200, 70],
  [186, 189, 194],
];
const BUS_COLOURS: readonly Rgb[] = [
  [225, 190, 40],
  [236, 236, 232],
  [190, 35, 40],
  [40, 90, 170],
  [40, 130, 80],
];
/** Riders' clothing and helmets, seen from above. */
const RIDER_COLOURS: readonly Rgb[] = [
  [200, 40, 40],
  [40, 80, 200],
  [235, 200, 50],
  [236, 236, 232],
  [230, 120, 30],
  [150, 210, 60],
];
const GLASS: Rgb = [28, 34, 44];
const DARK_PARTS: Rgb = [32, 32, 34];

/** A painted band of the vehicle from front (0) to rear (1). */
export interface Band {
  untilFraction: number;
  rgb: Rgb;
}

export interface VehicleLook {
  widthM: number;
  bands: readonly Band[];
}

function pick<T>(items: readonly T[], vehicleId: number, seed: number): T {
  return items[hash32(vehicleId, seed) % items.length];
}

function lighten(c: Rgb, k: number): Rgb {
  return [Math.min(255, Math.round(c[0] * k)), Math.min(255, Math.round(c[1] * k)), Math.min(255, Math.round(c[2] * k))];
}

/** How a vehicle looks from above: its width and painted bands; the same id always looks the same. */
export function vehicleLook(cls: VehicleClass, vehicleId: number, seed: number): VehicleLook {
  const widthM = VEHICLE_WIDTH_M[cls];
  switch (cls) {
    case "car": {
      const body = pick(CAR_COLOURS, vehicleId, seed);
      const roof = lighten(body, 1.08);
      return {
        widthM,
        bands: [
          { untilFraction: 0.22, rgb: body },
          { untilFraction: 0.36, rgb: GLASS },
          { untilFraction: 0.74, rgb: roof },
          { untilFraction: 0.84, rgb: GLASS },
          { untilFraction: 1, rgb: body },
        ],
      };
    }
    case "truck": {
      const cab = pick(CAR_COLOURS, vehicleId, seed ^ 0x5bd1e995);
      return {
        widthM,
        bands: [
          { untilFraction: 0.17, rgb: cab },
          { untilFraction: 0.2, rgb: DARK_PARTS },
          { untilFraction: 1, rgb: pick(TRUCK_BOX_COLOURS, vehicleId, seed) },
        ],
      };
    }
    case "bus":
      return {
        widthM,
        bands: [
          { untilFraction: 0.05, rgb: GLASS },
          { untilFraction: 1, rgb: pick(BUS_COLOURS, vehicleId, seed) },
        ],
      };
    case "motorcycle":
      return {
        widthM,
        bands: [
          { untilFraction: 0.25, rgb: DARK_PARTS },
          { untilFraction: 0.75, rgb: pick(RIDER_COLOURS, vehicleId, seed) },
          { untilFraction: 1, rgb: DARK_PARTS },
        ],
      };
    case "bicycle":
      return {
        widthM,
        bands: [
          { untilFraction: 0.2, rgb: DARK_PARTS },
          { untilFraction: 0.8, rgb: pick(RIDER_COLOURS, vehicleId, seed) },
          { untilFraction: 1, rgb: DARK_PARTS },
        ],
      };
  }
}

/** Every colour a vehicle may show, for checking contrast against the road. */
export function allVehicleColours(): Rgb[] {
  return [...CAR_COLOURS, ...TRUCK_BOX_COLOURS, ...BUS_COLOURS, ...RIDER_COLOURS, GLASS, DARK_PARTS];
}
