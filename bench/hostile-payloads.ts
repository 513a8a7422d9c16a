/**
 * Hostile MQTT payloads for bench:hostile: valid samples of every edge-to-hub payload (checked
 * against the protocol's zod schemas), then mutated where the schemas constrain them: wrong types,
 * huge arrays, deep nesting, NaN, 60 KiB strings, missing fields, wrong ids, raw bytes.
 * Deterministic for a seed.
 */
import { Events, Measures, Signal, Status } from "../protocol/index.js";

export type EdgeToHubKind = "measures" | "signal" | "events" | "status";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A valid payload of each kind for `intersectionId`, proven valid by its schema. */
export function validSample(kind: EdgeToHubKind, intersectionId: string, seq: number): Json {
  const ts = Date.now();
  const samples = {
    measures: Measures.parse({ ts, seq, intersectionId, intervalMs: 5000, modelId: "virtual-loop", framesProcessed: 50, approaches: [{ approachId: "N", count: 3, countsByClass: { car: 3 }, queue: 2, occupancy: 0.3 }] }),
    signal: Signal.parse({ ts, seq, intersectionId, mode: "adaptive", planId: "p1", cycleSecond: 12, activePhases: [2], groups: { sg2: "G", sg4: "R" } }),
    events: Events.parse({ ts, seq, intersectionId, events: [{ type: "hires", ts, code: 1, param: 2 }, { type: "alarm", ts, alarm: "plan-rejected", message: "fuzz", planId: "p1" }] }),
    status: Status.parse({ ts, seq, intersectionId, online: true, version: "fuzz" }),
  };
  return JSON.parse(JSON.stringify(samples[kind])) as Json;
}

const DEEP = "[".repeat(5000) + "]".repeat(5000);
const MARK = "\u0000mark\u0000";

/** Every path to a value in `value` (object keys and array indices). */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(path);
      paths(v as Json, path, out);
    }
  }
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json | undefined): void {
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as unknown as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const MUTATIONS = ["wrongType", "wrongType", "wrongType", "missing", "wrongId", "negative", "emptyString", "hugeArray", "deepNesting", "nan", "longString", "rawBytes", "truncated", "extraKeys"] as const;
export type Mutation = (typeof MUTATIONS)[number];

/**
 * One hostile payload: the body bytes and what was done to it. Big mutations (60 KiB strings,
 * huge arrays) are rarer than small ones so 100,000 cases stay within a few hundred megabytes.
 */
export function mutate(sample: Json, random: () => number, otherId: string): { body: Buffer; mutation: Mutation } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  let mutation = pick(MUTATIONS);
  if ((mutation === "longString" || mutation === "hugeArray") && random() < 0.85) mutation = "wrongType";
  const value = JSON.parse(JSON.stringify(sample)) as Json;
  const path = pick(paths(value));
  let raw: string | null = null;
  switch (mutation) {
    case "wrongType":
      setAt(value, path, pick<Json>(["x", -1, 1e308, true, null, [], {}, [1, "a"], { a: 1 }]));
      break;
    case "missing":
      setAt(value, path, undefined);
      break;
    case "wrongId":
      setAt(value, ["intersectionId"], pick([otherId, "", "../../etc", "x".repeat(500), "h0"]));
      break;
    case "negative":
      setAt(value, path, -Math.floor(random() * 1e9));
      break;
    case "emptyString":
      setAt(value, path, "");
      break;
    case "hugeArray":
      setAt(value, path, new Array<Json>(20_000).fill(0));
      break;
    case "deepNesting":
      setAt(value, path, MARK);
      raw = JSON.stringify(value).replace(JSON.stringify(MARK), DEEP);
      break;
    case "nan":
      setAt(value, path, MARK);
      raw = JSON.stringify(value).replace(JSON.stringify(MARK), pick(["NaN", "Infinity", "-Infinity", "1e999"]));
      break;
    case "longString":
      setAt(value, path, "x".repeat(60 * 1024));
      break;
    case "rawBytes":
      return { body: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256))), mutation };
    case "truncated": {
      const text = JSON.stringify(value);
      raw = text.slice(0, Math.floor(random() * text.length));
      break;
    }
    case "extraKeys":
      (value as Record<string, Json>)["__proto__x"] = { constructor: "x" };
      (value as Record<string, Json>)["constructor"] = "x";
      break;
  }
  return { body: Buffer.from(raw ?? JSON.stringify(value)), mutation };
}
