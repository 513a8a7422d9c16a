import { HIRES } from "../../../protocol/index.js";
import type { CountSample, LoopEvent, ZoneSample } from "../../../edge/inference/counting/index.js";
import { VAR, type Domain, type SubscriptionResults } from "../traci/index.js";
import { sumoDetectorId, type SumoIntersectionConfig } from "../config/index.js";

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
}

/**
 * Turns an intersection's subscribed SUMO detectors into what the agent's loop counter and zone
 * monitor would report: a loop is on while a vehicle is on it (SUMO's last-step vehicle ids), a
 * stop-line count is a vehicle id not on the loop the step before, a queue is the lane-area
 * detector's halting vehicles and its occupancy the share of its length occupied.
 */
export class DetectorReader {
  private readonly loops: { id: string; sumoId: string; approachId: string; kind: "stop" | "advance"; on: boolean; ids: Set<string> }[];
  private readonly areas: { id: string; sumoId: string; approachId: string }[];

  constructor(config: Pick<SumoIntersectionConfig, "intersectionId" | "detectors">) {
    this.loops = config.detectors.flatMap((d) =>
      d.kind === "queue" ? [] : [{ id: d.id, sumoId: sumoDetectorId(config.intersectionId, d.id), approachId: d.approachId, kind: d.kind, on: false, ids: new Set<string>() }],
    );
    this.areas = config.detectors.flatMap((d) => (d.kind === "queue" ? [{ id: d.id, sumoId: sumoDetectorId(config.intersectionId, d.id), approachId: d.approachId }] : []));
  }

  /** Loop detector ids in order: a loop's hi-res detector number is its index + 1. */
  get loopIds(): string[] {
    return this.loops.map((l) => l.id);
  }

  subscriptions(): DetectorSubscription[] {
    return [
      ...this.loops.map((l) => ({ domain: "inductionLoop" as const, sumoId: l.sumoId, variables: [VAR.lastStepVehicleIds] })),
      ...this.areas.map((a) => ({ domain: "laneArea" as const, sumoId: a.sumoId, variables: [VAR.lastStepHaltingNumber, VAR.lastStepOccupancy] })),
    ];
  }

  read(results: SubscriptionResults, nowMs: number): DetectorStep {
    const step: DetectorStep = { loopEvents: [], counts: [], zones: [] };
    for (const loop of this.loops) {
      const value = results.of("inductionLoop", loop.sumoId)?.get(VAR.lastStepVehicleIds);
      const ids = Array.isArray(value) ? (value as string[]) : [];
      if (loop.kind === "stop") for (const id of ids) if (!loop.ids.has(id)) step.counts.push({ approachId: loop.approachId });
      loop.ids = new Set(ids);
      const on = ids.length > 0;
      if (on !== loop.on) {
        loop.on = on;
        step.loopEvents.push({ zoneId: loop.id, approachId: loop.approachId, state: on ? "on" : "off", code: on ? HIRES.detectorOn : HIRES.detectorOff, tMs: nowMs });
      }
    }
    for (const area of this.areas) {
      const values = results.of("laneArea", area.sumoId);
      const halting = Number(values?.get(VAR.lastStepHaltingNumber) ?? 0);
      const occupancyPct = Number(values?.get(VAR.lastStepOccupancy) ?? 0);
      step.zones.push({ approachId: area.approachId, kind: "queue", occupied: Math.min(1, Math.max(0, occupancyPct / 100)), queueVeh: Math.max(0, halting) });
    }
    return step;
  }
}
