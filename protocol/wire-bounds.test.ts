import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  boundedRecord,
  checkJsonShape,
  decodeMessage,
  ID_PATTERN,
  MAX_PAYLOAD_BYTES,
  PAYLOAD_SCHEMAS,
  topicFor,
  WIRE_BOUNDS,
  wireBounds,
  type Events,
  type Measures,
  type Signal,
  type Status,
} from "./index.js";

const SEED = 20261206;
const NOW = 1_764_000_000_000;
const PRE_PARSE = new Set(["too_large", "too_deep", "too_many_items", "string_too_long"]);

/** Depth, commas and longest string of a parsed JSON value, as `JSON.stringify` writes it: the scanner's reference. */
function shapeOf(value: unknown): { depth: number; commas: number; stringBytes: number } {
  if (typeof value === "string") return { depth: 0, commas: 0, stringBytes: Buffer.byteLength(JSON.stringify(value)) - 2 };
  if (value === null || typeof value !== "object") return { depth: 0, commas: 0, stringBytes: 0 };
  const entries = Array.isArray(value) ? value.map((v) => [null, v] as const) : Object.entries(value);
  let depth = 0;
  let commas = Math.max(0, entries.length - 1);
  let stringBytes = 0;
  for (const [key, v] of entries) {
    const inner = shapeOf(v);
    depth = Math.max(depth, inner.depth);
    commas += inner.commas;
    stringBytes = Math.max(stringBytes, inner.stringBytes, key === null ? 0 : Buffer.byteLength(JSON.stringify(key)) - 2);
  }
  return { depth: depth + 1, commas, stringBytes };
}

/** What decoding was before the wire bounds: JSON.parse, then the schema. */
function referenceAccepts(kind: keyof typeof PAYLOAD_SCHEMAS, body: string): boolean {
  try {
    return PAYLOAD_SCHEMAS[kind].safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
}

// Strings of any UTF-16 code units, control characters and lone surrogates included: the ones JSON escapes the longest.
const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: "binary", maxLength }).filter((s) => s.length <= maxLength);
const anyText = (maxLength: number): fc.Arbitrary<string> => fc.oneof(text(maxLength), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }));
const id = fc.stringMatching(ID_PATTERN);
const ts = fc.integer({ min: 0, max: 2 ** 31 }).map((n) => NOW + n);
const real = (max: number): fc.Arbitrary<number> => fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true });
const count = fc.integer({ min: 0, max: 1_000_000 });

const measures: fc.Arbitrary<Measures> = fc.record({
  ts,
  seq: fc.maxSafeNat(),
  intersectionId: id,
  intervalMs: fc.integer({ min: 100, max: 3_600_000 }),
  modelId: anyText(200).filter((s) => s.length >= 1),
  framesProcessed: count,
  approaches: fc.array(
    fc.record({
      approachId: id,
      count,
      countsByClass: fc.record({ bicycle: count, car: count, motorcycle: count, bus: count, truck: count }, { requiredKeys: [] }),
      queue: real(10_000),
      occupancy: real(1),
    }),
    { minLength: 1, maxLength: 32 },
  ),
});
const signal: fc.Arbitrary<Signal> = fc.record({
  ts,
  seq: fc.maxSafeNat(),
  intersectionId: id,
  mode: fc.constantFrom("adaptive", "fallback", "manual", "flash"),
  planId: fc.option(anyText(100).filter((s) => s.length >= 1)),
  cycleSecond: fc.option(real(1000)),
  activePhases: fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 16 }),
  groups: fc.dictionary(id, fc.constantFrom("G", "Y", "R", "FY", "FR", "DK"), { minKeys: 1, maxKeys: 64 }),
});
const events: fc.Arbitrary<Events> = fc.record({
  ts,
  seq: fc.maxSafeNat(),
  intersectionId: id,
  events: fc.array(
    fc.oneof(
      fc.record({ type: fc.constant("hires" as const), ts, code: fc.integer({ min: 0, max: 255 }), param: fc.integer({ min: 0, max: 65_535 }) }),
      fc.record({ type: fc.constant("alarm" as const), ts, alarm: fc.constantFrom("conflict-flash", "plan-rejected", "fallback", "camera", "fault-cleared", "outbox-drop"), message: anyText(1000), planId: anyText(100) }, { requiredKeys: ["type", "ts", "alarm", "message"] }),
      fc.record({ type: fc.constant("ack" as const), ts, commandId: id, result: fc.constantFrom("accepted", "rejected", "completed"), reason: anyText(500) }, { requiredKeys: ["type", "ts", "commandId", "result"] }),
    ),
    { minLength: 1, maxLength: 20 },
  ),
});
const status: fc.Arbitrary<Status> = fc.record(
  { ts, seq: fc.maxSafeNat(), intersectionId: id, online: fc.boolean(), version: anyText(50), model: anyText(200), lastPlanApplied: fc.option(anyText(100)) },
  { requiredKeys: ["ts", "seq", "intersectionId", "online"] },
);
const VALID = { measures, signal, events, status } as const;

describe("wire bounds", () => {
  it("are read from each schema's own maxima", () => {
    // 32 approaches of at most 5 class counts: the schema's numbers, nothing typed in twice.
    expect(WIRE_BOUNDS.measures).toMatchObject({ depth: 4, stringBytes: 6 * 200 });
    expect(WIRE_BOUNDS.measures.commas).toBe(6 + 31 + 32 * (4 + 4));
    expect(WIRE_BOUNDS.signal.depth).toBe(2);
    expect(WIRE_BOUNDS.events).toMatchObject({ depth: 3, stringBytes: 6 * 1000, bytes: MAX_PAYLOAD_BYTES });
    expect(WIRE_BOUNDS.status.bytes).toBeLessThan(8 * 1024);
    // What the schema leaves open stays open: a set-camera command carries any camera configuration.
    expect(WIRE_BOUNDS.command.depth).toBe(Infinity);
    expect(WIRE_BOUNDS.snapshot).toMatchObject({ bytes: MAX_PAYLOAD_BYTES, depth: Infinity });
  });

  it("know a bounded record's entries, an enum-keyed record's keys, and nothing of a loose object", () => {
    expect(wireBounds(boundedRecord(z.string().max(2), z.boolean(), { min: 0, max: 3, message: "x" }))).toEqual({ bytes: 2 + 3 * (2 + 12 + 1 + 5) + 2, depth: 1, commas: 2, stringBytes: 12 });
    expect(wireBounds(z.partialRecord(z.enum(["a", "bb"]), z.null()))).toMatchObject({ commas: 1, stringBytes: 2 });
    expect(wireBounds(z.record(z.string().max(2), z.null())).commas).toBe(Infinity);
    expect(wireBounds(z.looseObject({ a: z.null() })).bytes).toBe(Infinity);
    expect(wireBounds(z.object({ a: z.array(z.string().max(1)).max(2).nullable() }))).toEqual({ bytes: 2 + 3 + 1 + 2 + 2 * 8 + 1, depth: 2, commas: 1, stringBytes: 6 });
  });

  it("never refuse a valid message: random edge messages with the longest-escaping strings decode", () => {
    for (const kind of ["measures", "signal", "events", "status"] as const) {
      fc.assert(
        fc.property(VALID[kind] as fc.Arbitrary<{ intersectionId: string }>, (message) => {
          const body = JSON.stringify(message);
          fc.pre(Buffer.byteLength(body) <= MAX_PAYLOAD_BYTES);
          const decoded = decodeMessage(topicFor("r", message.intersectionId, kind), body);
          expect(decoded.ok ? "ok" : `${decoded.reason}: ${decoded.error}`).toBe("ok");
        }),
        { seed: SEED, numRuns: 150, verbose: true },
      );
    }
    console.log(`wire bounds: valid-message property seed ${SEED}`);
  });

  it("are not loose by much: the largest valid measures message takes over a third of its bound", () => {
    const longestId = "i".repeat(64);
    const biggest: Measures = {
      ts: 8.64e15,
      seq: Number.MAX_SAFE_INTEGER,
      intersectionId: longestId,
      intervalMs: 3_600_000,
      modelId: "\u0001".repeat(200),
      framesProcessed: 1_000_000,
      approaches: Array.from({ length: 32 }, (_, i) => ({
        approachId: `${i}`.padStart(64, "a"),
        count: 1_000_000,
        countsByClass: { bicycle: 1_000_000, car: 1_000_000, motorcycle: 1_000_000, bus: 1_000_000, truck: 1_000_000 },
        queue: 9999.123456789012,
        occupancy: 0.12345678901234568,
      })),
    };
    const body = JSON.stringify(biggest);
    expect(decodeMessage(topicFor("r", longestId, "measures"), body).ok).toBe(true);
    // The slack: 6 bytes a character (any may be escaped, ids never are) and 24 a number (counts take 7).
    expect(Buffer.byteLength(body)).toBeGreaterThan(WIRE_BOUNDS.measures.bytes / 3);
  });

  it("refuse before parsing only what the schema would refuse after: hostile mutations of valid messages", () => {
    const hostile = (kind: keyof typeof VALID): fc.Arbitrary<{ body: string; intersectionId: string }> =>
      fc
        .tuple(
          VALID[kind] as fc.Arbitrary<Record<string, unknown> & { intersectionId: string }>,
          fc.oneof(
            fc.jsonValue({ maxDepth: 6 }),
            fc.constant("x".repeat(60 * 1024)),
            fc.constant(new Array<number>(20_000).fill(0)),
            fc.integer({ min: 1, max: 300 }).map((n) => JSON.parse("[".repeat(n) + "]".repeat(n)) as unknown),
          ),
          fc.nat(),
        )
        .map(([message, value, at]) => {
          const keys = Object.keys(message);
          return { body: JSON.stringify({ ...message, [keys[at % keys.length]!]: value }), intersectionId: message.intersectionId };
        });
    let refusedEarly = 0;
    for (const kind of ["measures", "signal", "events", "status"] as const) {
      fc.assert(
        fc.property(hostile(kind), ({ body, intersectionId }) => {
          const decoded = decodeMessage(topicFor("r", intersectionId, kind), body);
          if (!decoded.ok && PRE_PARSE.has(decoded.reason)) {
            refusedEarly++;
            expect(referenceAccepts(kind, body)).toBe(false);
          }
        }),
        { seed: SEED, numRuns: 200, verbose: true },
      );
    }
    console.log(`wire bounds: hostile-mutation property seed ${SEED}, ${refusedEarly} refused before parsing`);
    expect(refusedEarly).toBeGreaterThan(0);
  });

  it("refuse the fuzz's big three before parsing, with a reason and an error naming the kind", () => {
    const base = JSON.stringify({ ts: NOW, seq: 1, intersectionId: "a1", events: [{ type: "hires", ts: NOW, code: 1, param: 2 }] });
    const at = (value: string): string => base.replace('"param":2', `"param":${value}`);
    const decode = (body: string): string => {
      const d = decodeMessage(topicFor("r", "a1", "events"), body);
      return d.ok ? "ok" : `${d.reason} ${d.error}`;
    };
    expect(decode(base)).toBe("ok");
    expect(decode(at("[".repeat(5000) + "]".repeat(5000)))).toMatch(/^too_deep events: nested deeper than 3 levels/);
    expect(decode(base.replace(/"events":\[.*\]/, `"events":${JSON.stringify(new Array(20_000).fill(0))}`))).toMatch(/^too_many_items events: /);
    expect(decode(at(JSON.stringify("x".repeat(60 * 1024))))).toMatch(/^string_too_long events: a string of 61440 bytes/);
    expect(decodeMessage(topicFor("r", "a1", "measures"), "x".repeat(WIRE_BOUNDS.measures.bytes + 1))).toMatchObject({ ok: false, reason: "too_large" });
  });
});

describe("checkJsonShape", () => {
  it("agrees with the parsed value: within its exact shape it passes, one less on any bound and it names that bound", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = Buffer.from(JSON.stringify(value));
        const exact = shapeOf(value);
        expect(checkJsonShape(text, exact)).toBeNull();
        if (exact.depth > 0) expect(checkJsonShape(text, { ...exact, depth: exact.depth - 1 })?.reason).toBe("too_deep");
        if (exact.commas > 0) expect(checkJsonShape(text, { ...exact, commas: exact.commas - 1 })?.reason).toBe("too_many_items");
        if (exact.stringBytes > 0) expect(checkJsonShape(text, { ...exact, stringBytes: exact.stringBytes - 1 })?.reason).toBe("string_too_long");
      }),
      { seed: SEED, numRuns: 500, verbose: true },
    );
    console.log(`checkJsonShape property seed ${SEED}`);
  });

  it("does not count brackets, commas or escaped quotes inside strings", () => {
    const text = Buffer.from(JSON.stringify({ a: '[[[{,,,\\"]]' }));
    expect(checkJsonShape(text, { depth: 1, commas: 0, stringBytes: 13 })).toBeNull();
    expect(checkJsonShape(text, { depth: 1, commas: 0, stringBytes: 12 })?.reason).toBe("string_too_long");
  });
});
