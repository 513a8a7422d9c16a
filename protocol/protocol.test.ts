import { describe, expect, it } from "vitest";
import {
  decodeMessage,
  encodeMessage,
  MAX_PAYLOAD_BYTES,
  WIRE_BOUNDS,
  parseTopic,
  topicFilter,
  topicFor,
  type Command,
  type Events,
  type Measures,
  type Plan,
  type Signal,
  type Status,
} from "./index.js";

const now = 1_764_000_000_000;

const measures: Measures = {
  ts: now,
  seq: 7,
  intersectionId: "I-101",
  intervalMs: 5000,
  modelId: "virtual-loop@abc",
  framesProcessed: 25,
  approaches: [
    { approachId: "N", count: 4, countsByClass: { car: 3, truck: 1 }, queue: 2.5, occupancy: 0.31 },
    { approachId: "S", count: 0, countsByClass: {}, queue: 0, occupancy: 0 },
  ],
};
const signal: Signal = {
  ts: now,
  seq: 8,
  intersectionId: "I-101",
  mode: "adaptive",
  planId: "p-42",
  cycleSecond: 12.5,
  activePhases: [2],
  groups: { "EW-T": "G", "NS-T": "R" },
};
const events: Events = {
  ts: now,
  seq: 9,
  intersectionId: "I-101",
  events: [
    { type: "hires", ts: now, code: 1, param: 2 },
    { type: "ack", ts: now, commandId: "c-1", result: "accepted" },
    { type: "alarm", ts: now, alarm: "plan-rejected", message: "split of phase 4 below minimum", planId: "p-43" },
  ],
};
const status: Status = { ts: now, seq: 1, intersectionId: "I-101", online: true, version: "0.1.0", inferenceFps: 9.5 };
const plan: Plan = {
  ts: now,
  seq: 3,
  intersectionId: "I-101",
  planId: "p-42",
  cycleS: 90,
  offsetS: 10,
  splitsS: { "2": 50, "4": 40 },
  validUntil: now + 300_000,
  reason: "Webster: Y=0.62, C=88 s",
};
const command: Command = {
  ts: now,
  seq: 4,
  intersectionId: "I-101",
  commandId: "c-1",
  issuedBy: "operator:ana",
  command: { action: "hold", phase: 2, durationS: 120 },
};

describe("topics", () => {
  it("builds and parses every kind of topic", () => {
    for (const kind of ["measures", "signal", "events", "status", "plan", "command"] as const) {
      const topic = topicFor("north", "I-101", kind);
      expect(topic).toBe(`traffic/v1/north/I-101/${kind}`);
      expect(parseTopic(topic)).toEqual({ ok: true, address: { region: "north", intersectionId: "I-101", kind } });
    }
  });

  it("refuses ids that would break the topic tree", () => {
    expect(() => topicFor("north", "a/b", "plan")).toThrow(/intersectionId/);
    expect(() => topicFor("+", "I-1", "plan")).toThrow(/region/);
    expect(() => topicFor("north", "", "plan")).toThrow(/intersectionId/);
    expect(topicFilter("north", "+", "measures")).toBe("traffic/v1/north/+/measures");
  });

  it("rejects topics of the wrong shape with a reason", () => {
    const cases = ["traffic/v2/n/i/plan", "traffic/v1/n/i", "traffic/v1/n/i/plans", "traffic/v1/n/i#/plan", "x"];
    for (const t of cases) {
      const r = parseTopic(t);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain("topic");
    }
  });
});

describe("payload round trips", () => {
  it.each([
    ["measures", measures],
    ["signal", signal],
    ["events", events],
    ["status", status],
    ["plan", plan],
    ["command", command],
  ] as const)("%s survives encode then decode unchanged", (kind, payload) => {
    const { topic, body } = encodeMessage("north", kind, payload as never);
    const decoded = decodeMessage(topic, Buffer.from(body));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(decoded.kind).toBe(kind);
      expect(decoded.payload).toEqual(payload);
    }
  });

  it("fills defaults on receipt (countsByClass)", () => {
    const body = JSON.stringify({ ...measures, approaches: [{ approachId: "N", count: 1, queue: 0, occupancy: 0.1 }] });
    const r = decodeMessage("traffic/v1/north/I-101/measures", body);
    expect(r.ok && r.kind === "measures" && r.payload.approaches[0]?.countsByClass).toEqual({});
  });
});

describe("rejections", () => {
  const topic = "traffic/v1/north/I-101/measures";
  const reject = (t: string, body: string | Buffer) => {
    const r = decodeMessage(t, body);
    if (r.ok) throw new Error("expected a rejection");
    return r;
  };

  it("rejects malformed JSON", () => {
    const r = reject(topic, "{not json");
    expect(r.reason).toBe("bad_json");
    expect(r.error).toMatch(/^measures: not JSON/);
  });

  it("rejects wrong types and names the field", () => {
    const r = reject(topic, JSON.stringify({ ...measures, framesProcessed: "25" }));
    expect(r.reason).toBe("invalid");
    expect(r.error).toContain("measures.framesProcessed");
  });

  it("rejects missing fields and names them", () => {
    const { seq: _seq, ...noSeq } = measures;
    const r = reject(topic, JSON.stringify(noSeq));
    expect(r.error).toContain("measures.seq");
  });

  it("rejects out-of-range values with the path into arrays", () => {
    const bad = { ...measures, approaches: [measures.approaches[0], { ...measures.approaches[1], occupancy: 1.5 }] };
    const r = reject(topic, JSON.stringify(bad));
    expect(r.error).toContain("measures.approaches[1].occupancy");
    expect(reject(topic, JSON.stringify({ ...measures, seq: -1 })).error).toContain("measures.seq");
    expect(reject("traffic/v1/north/I-101/signal", JSON.stringify({ ...signal, groups: { a: "BLUE" } })).error).toContain(
      "signal.groups.a",
    );
  });

  it("rejects plans whose offset or validity make no sense", () => {
    const t = "traffic/v1/north/I-101/plan";
    expect(reject(t, JSON.stringify({ ...plan, offsetS: 95 })).error).toContain("plan.offsetS");
    expect(reject(t, JSON.stringify({ ...plan, validUntil: now - 1 })).error).toContain("plan.validUntil");
    expect(reject(t, JSON.stringify({ ...plan, splitsS: { "17": 10 } })).error).toContain("plan.splitsS");
  });

  it("rejects oversized payloads before parsing them", () => {
    const huge = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20);
    const r = reject(topic, huge);
    expect(r.reason).toBe("too_large");
    expect(r.error).toContain(String(WIRE_BOUNDS.measures.bytes));
  });

  it("rejects a payload whose intersectionId differs from the topic's", () => {
    const r = reject("traffic/v1/north/I-999/measures", JSON.stringify(measures));
    expect(r.reason).toBe("id_mismatch");
    expect(r.error).toContain("I-999");
  });

  it("rejects an unknown command action", () => {
    const r = reject("traffic/v1/north/I-101/command", JSON.stringify({ ...command, command: { action: "explode" } }));
    expect(r.reason).toBe("invalid");
    expect(r.error).toContain("command.command.action");
  });

  it("refuses to encode an invalid payload", () => {
    expect(() => encodeMessage("north", "measures", { ...measures, intervalMs: 0 })).toThrow(/measures.intervalMs/);
  });
});
