import { XMLBuilder } from "fast-xml-parser";
import type { NetTlLogic } from "../net/read-net.js";
import type { SumoDetector } from "./schema.js";

/** SUMO's id for a detector of an intersection (unique across the net). */
export function sumoDetectorId(intersectionId: string, detectorId: string): string {
  return `${intersectionId}/${detectorId}`;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true });

/**
 * An additional file with every detector: induction loops (e1) at the stop line and upstream,
 * lane-area detectors (e2) for queues. Read through TraCI subscriptions only, so their file
 * output goes nowhere ("NUL", which SUMO understands on every platform).
 */
export function detectorsAdditional(intersections: readonly { intersectionId: string; detectors: readonly SumoDetector[] }[]): string {
  const loops: Record<string, string>[] = [];
  const areas: Record<string, string>[] = [];
  for (const x of intersections) {
    for (const d of x.detectors) {
      const common = { "@_id": sumoDetectorId(x.intersectionId, d.id), "@_lane": d.lane, "@_pos": String(d.posM), "@_period": "3600", "@_file": "NUL" };
      if (d.kind === "queue") areas.push({ ...common, "@_length": String(d.lengthM ?? 1) });
      else loops.push(common);
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ additional: { inductionLoop: loops, laneAreaDetector: areas } })}`;
}

/** SUMO's traffic-light logics. */
export const SUMO_TLS_TYPES = ["static", "actuated", "delay_based"] as const;
export type SumoTlsType = (typeof SUMO_TLS_TYPES)[number];

/**
 * The net's own programs switched to another of SUMO's logics, as a new program of each light
 * (SUMO runs the one loaded last): green phases get minDur 5 s and maxDur twice their duration,
 * the change phases keep theirs.
 */
export function tlsProgramsAdditional(programs: readonly NetTlLogic[], type: SumoTlsType): string {
  const logics = programs.map((p) => ({
    "@_id": p.id,
    "@_type": type,
    "@_programID": `${p.programID}-${type}`,
    "@_offset": String(p.offset),
    phase: p.phase.map((ph) => {
      const green = /[Gg]/.test(ph.state) && !/[yY]/.test(ph.state);
      return {
        "@_duration": String(ph.duration),
        "@_state": ph.state,
        ...(green && type !== "static" ? { "@_minDur": String(Math.min(5, ph.duration)), "@_maxDur": String(Math.max(2 * ph.duration, 5)) } : {}),
      };
    }),
  }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ additional: { tlLogic: logics } })}`;
}
