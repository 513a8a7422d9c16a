// Valid protocol payloads for tests: one of each kind, with seq and ts derived so order is easy to reason about.
import type { Command, Events, Measures, Plan, Signal, Status } from "../../protocol/index.js";

/**
 * Default `ts` of seq 0: an hour before the tests started, so seq numbers up to a few thousand stay
 * plausible against a hub on the real clock (at most 120 s ahead, a day behind).
 */
export const BASE_TS = Date.now() - 3_600_000;

export function measures(intersectionId: string, seq: number, ts = BASE_TS + seq * 1000): Measures {
  return {
    intersectionId,
    seq,
    ts,
    intervalMs: 5000,
    modelId: "virtual-loop",
    framesProcessed: 50,
    approaches: [{ approachId: "north", count: seq % 7, countsByClass: { car: seq % 7 }, queue: 2, occupancy: 0.25 }],
  };
}

export function signal(intersectionId: string, seq: number, ts = BASE_TS + seq * 1000): Signal {
  return { intersectionId, seq, ts, mode: "adaptive", planId: "p1", cycleSecond: 12, activePhases: [2, 6], groups: { sg2: "G", sg4: "R" } };
}

export function events(intersectionId: string, seq: number, codes: number[], ts = BASE_TS + seq * 1000): Events {
  return { intersectionId, seq, ts, events: codes.map((code, i) => ({ type: "hires", ts: ts + i, code, param: 2 })) };
}

export function status(intersectionId: string, seq: number, online: boolean, ts = BASE_TS + seq * 1000): Status {
  return { intersectionId, seq, ts, online, version: "test" };
}

export function plan(intersectionId: string, seq: number, planId = `plan-${seq}`, ts = BASE_TS + seq * 1000): Plan {
  return {
    intersectionId,
    seq,
    ts,
    planId,
    cycleS: 90,
    offsetS: 0,
    splitsS: { "2": 45, "4": 45 },
    validUntil: ts + 300_000,
    reason: "test plan",
  };
}

export function command(intersectionId: string, seq: number, commandId = `cmd-${seq}`, ts = BASE_TS + seq * 1000): Command {
  return { intersectionId, seq, ts, commandId, issuedBy: "operator-1", command: { action: "flash" } };
}
