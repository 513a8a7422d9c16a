import { readFile } from "node:fs/promises";
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";

const num = z.coerce.number();
const TripInfo = z.object({ id: z.coerce.string(), arrival: num, departDelay: num, timeLoss: num, waitingTime: num, waitingCount: num.default(0), duration: num });
const TripInfos = z.object({ tripinfo: z.array(TripInfo).default([]) });
const Statistics = z.object({
  vehicles: z.object({ loaded: num, inserted: num, running: num, waiting: num }),
  teleports: z.object({ total: num }),
});

/** What a run's vehicles went through, from SUMO's own outputs. */
export interface TripSummary {
  /** Mean over all vehicles (unfinished included) of time lost to driving below the desired speed plus waiting to enter: s/veh. */
  avgDelayS: number;
  /** Mean time spent at speed below 0.1 m/s. */
  avgWaitingS: number;
  /** Mean number of times a vehicle came to a halt. */
  stopsPerVehicle: number;
  /** Vehicles that reached their destination. */
  throughputVeh: number;
  /** Vehicles that entered the network. */
  vehiclesEntered: number;
  /** Vehicles still driving, or waiting to enter, at the end. */
  vehiclesUnfinished: number;
  teleports: number;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "tripinfo" });

/**
 * Summarise `--tripinfo-output` (with `--tripinfo-output.write-unfinished`) and
 * `--statistic-output`. Delay is RESCO's: timeLoss + departDelay, averaged over every vehicle.
 */
export function summariseTrips(tripinfoXml: string, statisticsXml: string): TripSummary {
  const trips = parseOrThrow(TripInfos, (parser.parse(tripinfoXml) as { tripinfos?: unknown }).tripinfos ?? {}, "tripinfos").tripinfo;
  const stats = parseOrThrow(Statistics, (parser.parse(statisticsXml) as { statistics?: unknown }).statistics, "statistics");
  const n = trips.length;
  const mean = (f: (t: (typeof trips)[number]) => number): number => (n === 0 ? 0 : trips.reduce((s, t) => s + f(t), 0) / n);
  return {
    avgDelayS: mean((t) => t.timeLoss + t.departDelay),
    avgWaitingS: mean((t) => t.waitingTime),
    stopsPerVehicle: mean((t) => t.waitingCount),
    throughputVeh: trips.filter((t) => t.arrival >= 0).length,
    vehiclesEntered: stats.vehicles.inserted,
    vehiclesUnfinished: stats.vehicles.running + stats.vehicles.waiting,
    teleports: stats.teleports.total,
  };
}

export async function readTripSummary(tripinfoPath: string, statisticsPath: string): Promise<TripSummary> {
  return summariseTrips(await readFile(tripinfoPath, "utf8"), await readFile(statisticsPath, "utf8"));
}
