import { XMLBuilder } from "fast-xml-parser";
import type { NetTlLogic } from "../net/read-net.js";
import type { SumoDetector } from "./schema.js";
import type { TlsProgramSpec } from "./change-intervals.js";

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

/** Where SUMO's own programs take their change intervals from: the net's program, or the generated configuration's files. */
export const SUMO_CLEARANCES = ["program", "generated"] as const;
export type SumoClearance = (typeof SUMO_CLEARANCES)[number];

/**
 * The net's own programs (or programs with other change intervals, `withChangeIntervals`) as new
 * programs of each light (SUMO runs the one loaded last), switched to another of SUMO's logics:
 * green phases get minDur 5 s and maxDur twice their duration, the change phases keep theirs.
 * Without a type each program keeps its own logic and its phases' own min and max durations.
 */
export function tlsProgramsAdditional(programs: readonly (NetTlLogic | TlsProgramSpec)[], type?: SumoTlsType, suffix = ""): string {
  const logics = programs.map((p) => ({
    "@_id": p.id,
    "@_type": type ?? p.type,
    "@_programID": `${p.programID}-${type ?? "own"}${suffix}`,
    "@_offset": String(p.offset),
    phase: p.phase.map((ph) => {
      const change = "change" in ph && ph.change;
      const green = !change && /[Gg]/.test(ph.state) && !/[yY]/.test(ph.state);
      const own = type === undefined && !change ? { ...(ph.minDur !== undefined ? { "@_minDur": String(ph.minDur) } : {}), ...(ph.maxDur !== undefined ? { "@_maxDur": String(ph.maxDur) } : {}) } : {};
      return {
        "@_duration": String(ph.duration),
        "@_state": ph.state,
        ...own,
        ...(green && type !== undefined && type !== "static" ? { "@_minDur": String(Math.min(5, ph.duration)), "@_maxDur": String(Math.max(2 * ph.duration, 5)) } : {}),
      };
    }),
  }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ additional: { tlLogic: logics } })}`;
}
