import { z } from "zod";

/** A vehicle that touched an induction loop in the last step (SUMO's `lastStepVehicleData`), times in simulation seconds. */
export interface LoopVehicle {
  id: string;
  entryS: number;
  /** null while the vehicle is still on the loop (SUMO sends −1). */
  leaveS: number | null;
}

/** One on/off change of a loop, at the simulation time it happened. */
export interface LoopTransition {
  on: boolean;
  atS: number;
}

/** Per vehicle: id, length, entry time, leave time (−1 while on), vehicle type. */
const VehicleRecord = z.tuple([z.string(), z.number(), z.number(), z.number(), z.string()]);
const VehicleData = z.array(z.union([z.string(), z.number()]));

/**
 * SUMO's `lastStepVehicleData` compound (the count, then five fields per vehicle) as vehicles.
 * Throws naming what is wrong: a value of another shape is a protocol error, not data.
 */
export function loopVehiclesOf(value: unknown, loopId: string): LoopVehicle[] {
  const items = VehicleData.safeParse(value);
  const count = items.success ? items.data[0] : undefined;
  if (!items.success || typeof count !== "number" || items.data.length !== 1 + 5 * count) {
    throw new Error(`sumo: induction loop "${loopId}" vehicle data: expected a count and five fields per vehicle`);
  }
  return Array.from({ length: count }, (_, k) => {
    const record = VehicleRecord.safeParse(items.data.slice(1 + 5 * k, 6 + 5 * k));
    if (!record.success) throw new Error(`sumo: induction loop "${loopId}" vehicle data[${k}]: expected id, length, entry time, leave time, type`);
    const [id, , entryS, leaveS] = record.data;
    return { id, entryS, leaveS: leaveS < 0 ? null : leaveS };
  });
}

/**
 * A loop's on/off changes during one step (`fromS`, `toS`], at the times its vehicles entered and
 * left it, as a real loop reports them, rather than at the step's end: read from the vehicle ids
 * alone, every off would come up to a whole step late and every passage timer would run that
 * much longer than configured. Vehicles whose occupancies overlap make one on period.
 */
export function loopTransitions(vehicles: readonly LoopVehicle[], wasOn: boolean, fromS: number, toS: number): { transitions: LoopTransition[]; on: boolean } {
  const clampS = (s: number): number => Math.min(toS, Math.max(fromS, s));
  const periods = vehicles
    .map((v) => ({ start: clampS(v.entryS), end: v.leaveS === null ? Number.POSITIVE_INFINITY : clampS(v.leaveS) }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const p of periods) {
    const last = merged.at(-1);
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  const transitions: LoopTransition[] = [];
  let on = wasOn;
  // On at the step before, but no vehicle carries that on into this step (removed, teleported).
  if (on && (merged.length === 0 || merged[0]!.start > fromS)) {
    transitions.push({ on: false, atS: fromS });
    on = false;
  }
  for (const p of merged) {
    if (!on) transitions.push({ on: true, atS: p.start });
    on = true;
    if (Number.isFinite(p.end)) {
      transitions.push({ on: false, atS: p.end });
      on = false;
    }
  }
  return { transitions, on };
}
