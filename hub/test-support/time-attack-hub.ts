// Shared by hub/time-safety.test.ts and bench/safety.ts (benches that use test support run from source through tsx, so none of it is in dist):
// a two-intersection corridor hub on a clock the caller drives, and the measures it is fed.
import type { Measures } from "../../protocol/index.js";
import type { HubConfigInput } from "../config.js";
import { TIMING } from "../api/test-fixtures.js";

export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
export const TEN_YEARS_MS = 10 * 365 * 86_400_000;

export interface TimeAttackHubOptions {
  /** One operator token, named. */
  operator: { name: string; token: string };
  /** Device passwords of x1 and x2. */
  passwords: [string, string];
  /** Timing of both intersections (a corridor at 0 m and 300 m is added); the API fixtures' TIMING unless told. */
  timing?: Record<string, unknown>;
}

/** x1 and x2 in one corridor, planned on the measures' clock, with long command answer time-outs. */
export function timeAttackHubConfig(o: TimeAttackHubOptions): HubConfigInput {
  const timing = o.timing ?? TIMING;
  const corridor = (positionM: number) => ({ id: "main", positionM, progressionSpeedKmh: 50, mainPhase: 2 });
  return {
    broker: {
      type: "embedded",
      port: 0,
      devices: (["x1", "x2"] as const).map((id, i) => ({ username: `dev-${id}`, password: o.passwords[i]!, intersectionId: id, region: "north" })),
    },
    api: { port: 0, tokens: [{ name: o.operator.name, role: "operator", token: o.operator.token }] },
    intersections: [
      { intersectionId: "x1", region: "north", position: { xM: 0, yM: 0 }, timing: { ...timing, corridor: corridor(0) } },
      { intersectionId: "x2", region: "north", position: { xM: 300, yM: 0 }, timing: { ...timing, corridor: corridor(300) } },
    ],
    planning: { clock: "measures", commandAnswerTimeoutMs: 60_000 },
    log: { level: "silent" },
  };
}

/** Five vehicles on each of E, W, N and S over a 5 s interval, stamped `ts`. */
export function measuresAt(intersectionId: string, seq: number, ts: number, modelId = "test"): Measures {
  return {
    ts,
    seq,
    intersectionId,
    intervalMs: 5000,
    modelId,
    framesProcessed: 25,
    approaches: ["E", "W", "N", "S"].map((approachId) => ({ approachId, count: 5, countsByClass: {}, queue: 1, occupancy: 0.2 })),
  };
}
