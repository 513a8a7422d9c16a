import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";
import { boxInZone } from "./geometry.js";
import type { CountingZone, TrackedVehicle, ZoneKind } from "./types.js";

export const ZoneMonitorOptions = z.object({
  /** A vehicle moving slower than this (px per frame) is stopped, and so queued in a queue zone. */
  stoppedSpeedPxPerFrame: z.number().min(0).default(1.5),
  /** Tracks missed for up to this many frames still occupy their (predicted) place. */
  maxMisses: z.number().int().min(0).default(2),
  /** Ignore unconfirmed tracks, which are often a few frames of clutter. */
  confirmedOnly: z.boolean().default(true),
});
export type ZoneMonitorOptionsInput = z.input<typeof ZoneMonitorOptions>;
export type ZoneMonitorSettings = z.output<typeof ZoneMonitorOptions>;

/** One zone in one frame. Its shape is also what `MeasuresAggregator.recordFrame` takes. */
export interface ZoneState {
  zoneId: string;
  approachId: string;
  kind: ZoneKind;
  /** Any vehicle in the zone. */
  present: boolean;
  vehicles: number;
  /** Stopped vehicles in a queue zone; 0 for other kinds. */
  queueVeh: number;
  /** This frame's occupancy sample: 1 when a vehicle is in the zone. */
  occupied: number;
}

/** Presence, vehicle count, queue and occupancy of every zone, from the tracks of one frame. */
export class ZoneMonitor {
  readonly settings: ZoneMonitorSettings;
  private readonly zones: readonly CountingZone[];

  constructor(zones: readonly CountingZone[], options: ZoneMonitorOptionsInput = {}) {
    this.settings = parseOrThrow(ZoneMonitorOptions, options, "zoneMonitor");
    this.zones = zones;
  }

  update(tracks: readonly TrackedVehicle[]): ZoneState[] {
    const s = this.settings;
    const eligible = tracks.filter((t) => t.misses <= s.maxMisses && (t.confirmed || !s.confirmedOnly));
    return this.zones.map((zone) => {
      let vehicles = 0;
      let stopped = 0;
      for (const t of eligible) {
        if (!boxInZone(t.box, zone.polygon)) continue;
        vehicles++;
        if (Math.hypot(t.velocity.x, t.velocity.y) < s.stoppedSpeedPxPerFrame) stopped++;
      }
      return {
        zoneId: zone.id,
        approachId: zone.approachId,
        kind: zone.kind,
        present: vehicles > 0,
        vehicles,
        queueVeh: zone.kind === "queue" ? stopped : 0,
        occupied: vehicles > 0 ? 1 : 0,
      };
    });
  }
}
