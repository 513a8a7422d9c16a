import { HIRES } from "../../../protocol/index.js";
import type { CountSample, LoopEvent, ZoneSample } from "../../../edge/inference/counting/index.js";
import type { AreaSample } from "../../../edge/inference/index.js";
import type { VehicleWatch } from "./vehicle-watch.js";
import { VAR, type Domain, type SubscriptionResults } from "../traci/index.js";
import { sumoDetectorId, type SumoIntersectionConfig } from "../config/index.js";
import { loopTransitions, loopVehiclesOf } from "./loop-passages.js";

export interface DetectorSubscription {
  domain: Domain;
  sumoId: string;
  variables: number[];
}

/** One step's detector readings in the terms the edge agent uses for camera loops and zones. */
export interface DetectorStep {
  /** Loop on/off transitions: calls for actuation and hi-res events 81/82. */
  loopEvents: LoopEvent[];
  /** Vehicles that reached a stop-line loop this step. */
  counts: CountSample[];
  /** Each lane-area detector: halting vehicles and occupancy, as a camera's queue zones report them. */
  zones: ZoneSample[];
  /** Each lane-area detector's vehicles, with their delay within it and time to the stop line: the controller's area detectors. */
  areas: AreaSample[];
}

/**
 * Turns an intersection's subscribed SUMO detectors into what the agent's loop counter and zone
 * monitor would report: a loop is on while a vehicle is on it, each change stamped with the time
 * the vehicle entered or left it (SUMO's last-step vehicle data; a real loop reports its changes
 * as they happen, not at the end of a simulation step), a stop-line count is a vehicle not on the
 * loop the step before, a queue is the lane-area detector's halting vehicles and its occupancy the
 * share of its length occupied.
 */
export class DetectorReader {
  private readonly loops: { id: string; sumoId: string; approachId: string; kind: "stop" | "advance"; on: boolean; ids: Set<string> }[];
  private readonly areas: { id: string; sumoId: string; approachId: string; lane: string; endM: number; timeLossAtEntry: Map<string, number> }[];
  /** The simulation's time 0 on the agents' clock, and the last reading's time (ms). */
  private lastReadMs: number;

  constructor(
    config: Pick<SumoIntersectionConfig, "intersectionId" | "detectors">,
    private readonly epochMs = 0,
    /** With it, each lane-area detector also reports its vehicles (`areas`): their delay within it and time to the stop line. */
    private readonly vehicles?: { watch: VehicleWatch; laneSpeedMps: (lane: string) => number },
  ) {
    this.lastReadMs = epochMs;
    this.loops = config.detectors.flatMap((d) =>
      d.kind === "queue" ? [] : [{ id: d.id, sumoId: sumoDetectorId(config.intersectionId, d.id), approachId: d.approachId, kind: d.kind, on: false, ids: new Set<string>() }],
    );
    this.areas = config.detectors.flatMap((d) =>
      d.kind === "queue" ? [{ id: d.id, sumoId: sumoDetectorId(config.intersectionId, d.id), approachId: d.approachId, lane: d.lane, endM: d.posM + (d.lengthM ?? 0), timeLossAtEntry: new Map<string, number>() }] : [],
    );
  }

  /** Loop detector ids in order: a loop's hi-res detector number is its index + 1. */
  get loopIds(): string[] {
    return this.loops.map((l) => l.id);
  }

  subscriptions(): DetectorSubscription[] {
    return [
      ...this.loops.map((l) => ({ domain: "inductionLoop" as const, sumoId: l.sumoId, variables: [VAR.lastStepVehicleData] })),
      ...this.areas.map((a) => ({
        domain: "laneArea" as const,
        sumoId: a.sumoId,
        variables: this.vehicles ? [VAR.lastStepHaltingNumber, VAR.lastStepOccupancy, VAR.lastStepVehicleIds] : [VAR.lastStepHaltingNumber, VAR.lastStepOccupancy],
      })),
    ];
  }

  /** The step that ended at `nowMs` (the agents' clock; the simulation's time is `nowMs` − epoch). */
  read(results: SubscriptionResults, nowMs: number): DetectorStep {
    const step: DetectorStep = { loopEvents: [], counts: [], zones: [], areas: [] };
    const fromS = (this.lastReadMs - this.epochMs) / 1000;
    const toS = (nowMs - this.epochMs) / 1000;
    this.lastReadMs = nowMs;
    for (const loop of this.loops) {
      const value = results.of("inductionLoop", loop.sumoId)?.get(VAR.lastStepVehicleData);
      const vehicles = value === undefined ? [] : loopVehiclesOf(value, loop.sumoId);
      if (loop.kind === "stop") for (const v of vehicles) if (!loop.ids.has(v.id)) step.counts.push({ approachId: loop.approachId });
      loop.ids = new Set(vehicles.map((v) => v.id));
      const { transitions, on } = loopTransitions(vehicles, loop.on, fromS, toS);
      loop.on = on;
      for (const t of transitions) {
        const tMs = Math.round(this.epochMs + t.atS * 1000);
        step.loopEvents.push({ zoneId: loop.id, approachId: loop.approachId, state: t.on ? "on" : "off", code: t.on ? HIRES.detectorOn : HIRES.detectorOff, tMs });
      }
    }
    // In the order they happened, as the agent would have received them.
    step.loopEvents.sort((a, b) => a.tMs - b.tMs);
    for (const area of this.areas) {
      const values = results.of("laneArea", area.sumoId);
      const halting = Number(values?.get(VAR.lastStepHaltingNumber) ?? 0);
      const occupancyPct = Number(values?.get(VAR.lastStepOccupancy) ?? 0);
      step.zones.push({ approachId: area.approachId, kind: "queue", occupied: Math.min(1, Math.max(0, occupancyPct / 100)), queueVeh: Math.max(0, halting) });
      if (this.vehicles) step.areas.push(this.areaSample(area, values?.get(VAR.lastStepVehicleIds), this.vehicles));
    }
    return step;
  }

  /**
   * The vehicles on one lane-area detector as a camera would see them over the approach: each
   * one's delay since it entered the area (SUMO's time loss then and now; SUMO's delay_based
   * logic accumulates the same on its detectors) and its time to the stop line at the lane's speed
   * limit. A vehicle first seen this step is known from the next (its subscription follows).
   */
  private areaSample(area: DetectorReader["areas"][number], ids: unknown, vehicles: NonNullable<DetectorReader["vehicles"]>): AreaSample {
    const seen = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
    const speed = Math.max(vehicles.laneSpeedMps(area.lane), 1);
    const sample: AreaSample = { zoneId: area.id, vehicles: [] };
    const still = new Map<string, number>();
    for (const id of seen) {
      const v = vehicles.watch.get(id);
      if (v === undefined || v.laneId !== area.lane) continue;
      const atEntry = area.timeLossAtEntry.get(id) ?? v.timeLossS;
      still.set(id, atEntry);
      sample.vehicles.push({ delayS: Math.max(0, v.timeLossS - atEntry), toStopLineS: Math.max(0, area.endM - v.lanePosM) / speed });
    }
    area.timeLossAtEntry = still;
    return sample;
  }
}
