import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES } from "../../protocol/index.js";
import { IngestPipeline, MAX_UNCONFIGURED_APPROACHES, type IngestRejectReason } from "./pipeline.js";
import { command, events, measures, plan, signal, status } from "../../tests/support/payloads.js";

const T = (id: string, kind: string, region = "north"): string => `traffic/v1/${region}/${id}/${kind}`;
const json = (value: unknown): string => JSON.stringify(value);

function pipeline(now = () => 42): { p: IngestPipeline; rejected: { reason: IngestRejectReason; error: string }[] } {
  const rejected: { reason: IngestRejectReason; error: string }[] = [];
  const p = new IngestPipeline({ now, seqWindow: 16, onReject: (reason, _topic, error) => rejected.push({ reason, error }) });
  return { p, rejected };
}

describe("IngestPipeline", () => {
  it("updates the store and notifies listeners for each valid message kind", () => {
    const { p } = pipeline();
    const heard: string[] = [];
    p.on("measures", (m, region) => heard.push(`measures ${m.intersectionId} ${region}`));
    p.on("signal", (s) => heard.push(`signal ${s.mode}`));
    p.on("events", (e) => heard.push(`events ${e.events.length}`));
    p.on("status", (s) => heard.push(`status ${s.online}`));
    p.handle(T("i-1", "measures"), Buffer.from(json(measures("i-1", 1))));
    p.handle(T("i-1", "signal"), json(signal("i-1", 2)));
    p.handle(T("i-1", "events"), json(events("i-1", 3, [1, 4])));
    p.handle(T("i-1", "status"), json(status("i-1", 4, true)));
    expect(heard).toEqual(["measures i-1 north", "signal adaptive", "events 2", "status true"]);
    expect(p.store.get("i-1")).toMatchObject({ online: true, lastSeenMs: 42, measures: { seq: 1 }, signal: { seq: 2 } });
    expect(p.stats().messages).toEqual({ measures: 1, signal: 1, events: 1, status: 1, plan: 0, snapshot: 0, config: 0 });
  });

  it("rejects and counts each kind of bad message by reason, without throwing", () => {
    const { p, rejected } = pipeline();
    const wrongType = { ...measures("i-1", 1), approaches: "many" };
    p.handle("traffic/v1/north/i-1", json(measures("i-1", 1)));
    p.handle(T("i-1", "measures"), Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32));
    p.handle(T("i-1", "measures"), "{not json");
    p.handle(T("i-1", "measures"), json(wrongType));
    p.handle(T("i-1", "measures"), json(measures("i-2", 1)));
    p.handle(T("i-1", "measures"), new Uint8Array([0xff, 0xfe, 0x00]));
    p.handle(T("i-1", "command"), json(command("i-1", 1)));
    expect(rejected.map((r) => r.reason)).toEqual(["bad_topic", "too_large", "bad_json", "invalid", "id_mismatch", "bad_json", "bad_topic"]);
    expect(rejected[3]!.error).toMatch(/^measures\.approaches: /);
    expect(p.stats().rejects).toEqual({ bad_topic: 2, too_large: 1, too_deep: 0, too_many_items: 0, string_too_long: 0, bad_json: 2, invalid: 1, id_mismatch: 1, duplicate: 0, stale: 0, region_mismatch: 0, clock_skew: 0, unknown_approach: 0 });
    expect(p.store.size).toBe(0);
  });

  it("keeps an intersection in one region: another region's message for the same id is rejected and counted", () => {
    const { p, rejected } = pipeline();
    p.handle(T("i-1", "measures", "north"), json(measures("i-1", 1)));
    p.handle(T("i-1", "signal", "south"), json(signal("i-1", 2)));
    expect(rejected).toEqual([{ reason: "region_mismatch", error: "intersection i-1 is in region north, not south" }]);
    expect(p.store.get("i-1")).toMatchObject({ region: "north", signal: null });

    const configured = new IngestPipeline({ configuredRegion: (id) => (id === "i-9" ? "south" : undefined) });
    configured.handle(T("i-9", "measures", "north"), json(measures("i-9", 1)));
    configured.handle(T("i-9", "measures", "south"), json(measures("i-9", 2)));
    expect(configured.stats().rejects.region_mismatch).toBe(1);
    expect(configured.store.get("i-9")).toMatchObject({ region: "south", measures: { seq: 2 } });
  });

  it("drops redelivered and too-old messages per intersection and kind", () => {
    const { p } = pipeline();
    const seen: number[] = [];
    p.on("measures", (m) => seen.push(m.seq));
    for (const seq of [1, 2, 2, 1, 40, 3, 30, 30]) p.handle(T("i-1", "measures"), json(measures("i-1", seq)));
    p.handle(T("i-1", "signal"), json(signal("i-1", 2))); // same seq, other kind: not a duplicate
    p.handle(T("i-2", "measures"), json(measures("i-2", 2))); // same seq, other sender
    expect(seen).toEqual([1, 2, 40, 30, 2]);
    expect(p.stats().rejects).toMatchObject({ duplicate: 3, stale: 1 });
    expect(p.stats().messages.signal).toBe(1);
  });

  it("always applies a last will, though its seq is older than the statuses before it", () => {
    const { p } = pipeline();
    p.handle(T("i-1", "status"), json(status("i-1", 100, true)));
    p.handle(T("i-1", "status"), json(status("i-1", 1, false)));
    expect(p.store.get("i-1")!.online).toBe(false);
    p.handle(T("i-1", "status"), json(status("i-1", 101, true)));
    expect(p.store.get("i-1")!.online).toBe(true);
  });

  it("records plans seen on the broker", () => {
    const { p } = pipeline();
    p.handle(T("i-1", "plan"), json(plan("i-1", 5)));
    expect(p.store.get("i-1")!.plan?.planId).toBe("plan-5");
    expect(p.stats().messages.plan).toBe(1);
  });

  it("keeps going when a listener throws, and counts it", () => {
    const errors: unknown[] = [];
    const p = new IngestPipeline({ onListenerError: (_kind, err) => errors.push(err) });
    const after: number[] = [];
    p.on("measures", () => {
      throw new Error("boom");
    });
    p.on("measures", (m) => after.push(m.seq));
    p.handle(T("i-1", "measures"), json(measures("i-1", 1)));
    p.handle(T("i-1", "measures"), json(measures("i-1", 2)));
    expect(after).toEqual([1, 2]);
    expect(p.stats().listenerErrors).toBe(2);
    expect(errors).toHaveLength(2);
  });

  it("stops notifying a listener once it is removed", () => {
    const { p } = pipeline();
    const seen: number[] = [];
    const off = p.on("measures", (m) => seen.push(m.seq));
    p.handle(T("i-1", "measures"), json(measures("i-1", 1)));
    off();
    p.handle(T("i-1", "measures"), json(measures("i-1", 2)));
    expect(seen).toEqual([1]);
  });

  it("still takes one intersection's valid messages while another floods garbage", () => {
    const { p } = pipeline();
    const valid: number[] = [];
    p.on("measures", (m) => m.intersectionId === "good" && valid.push(m.seq));
    for (let i = 0; i < 5000; i++) {
      p.handle(T("bad", "measures"), i % 2 ? "garbage" : json({ ...measures("bad", i), approaches: [] }));
      if (i % 500 === 0) p.handle(T("good", "measures"), json(measures("good", i + 1)));
    }
    expect(valid).toHaveLength(10);
    expect(p.stats().rejects.bad_json + p.stats().rejects.invalid).toBe(5000);
  });

  it("rejects measures naming an approach the intersection's configuration does not have, and counts them", () => {
    const rejected: string[] = [];
    const p = new IngestPipeline({
      configuredApproaches: (id) => (id === "i-1" ? new Set(["north", "south"]) : undefined),
      onReject: (reason, _topic, error) => rejected.push(`${reason}: ${error}`),
    });
    const heard: number[] = [];
    p.on("measures", (m) => heard.push(m.seq));
    p.handle(T("i-1", "measures"), json(measures("i-1", 1)));
    const invented = { ...measures("i-1", 2), approaches: [{ approachId: "north", count: 1, countsByClass: {}, queue: 0, occupancy: 0 }, { approachId: "x-999", count: 1, countsByClass: {}, queue: 0, occupancy: 0 }] };
    p.handle(T("i-1", "measures"), json(invented));
    // Rejected before the duplicate window: the same seq with known approaches still counts.
    p.handle(T("i-1", "measures"), json(measures("i-1", 2)));
    expect(heard).toEqual([1, 2]);
    expect(rejected).toEqual(['unknown_approach: measures: intersection i-1 has no approach "x-999"']);
    expect(p.stats().rejects.unknown_approach).toBe(1);
  });

  it("accepts a bounded number of approach ids from an intersection it has no configuration for", () => {
    const p = new IngestPipeline();
    const withApproach = (seq: number, approachId: string) => ({ ...measures("i-9", seq), approaches: [{ approachId, count: 1, countsByClass: {}, queue: 0, occupancy: 0 }] });
    for (let i = 0; i < MAX_UNCONFIGURED_APPROACHES + 5; i++) p.handle(T("i-9", "measures"), json(withApproach(i + 1, `a${i}`)));
    p.handle(T("i-9", "measures"), json(withApproach(100, "a0")));
    expect(p.stats().rejects.unknown_approach).toBe(5);
    expect(p.stats().messages.measures).toBe(MAX_UNCONFIGURED_APPROACHES + 1);
  });
});

describe("IngestPipeline against hostile device clocks", () => {
  const HUB_NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
  const TEN_YEARS_MS = 10 * 365 * 86_400_000;
  function skewChecked(): { p: IngestPipeline; changes: string[]; rejected: IngestRejectReason[] } {
    const changes: string[] = [];
    const rejected: IngestRejectReason[] = [];
    const p = new IngestPipeline({
      now: () => HUB_NOW,
      seqWindow: 16,
      clockSkew: { aheadMs: 120_000, behindMs: 86_400_000 },
      onReject: (reason) => rejected.push(reason),
      onClockSkew: (id, _region, skewed, message) => changes.push(`${id} ${skewed ? "skewed" : "ok"}: ${message}`),
    });
    return { p, changes, rejected };
  }

  it("rejects messages stamped too far ahead as clock_skew, counts each, and reports the device once", () => {
    const { p, changes, rejected } = skewChecked();
    const heard: number[] = [];
    p.on("measures", (m) => heard.push(m.seq));
    for (let seq = 1; seq <= 50; seq++) p.handle(T("i-1", "measures"), json(measures("i-1", seq, HUB_NOW + TEN_YEARS_MS)));
    p.handle(T("i-1", "signal"), json(signal("i-1", 51, HUB_NOW + 121_000)));
    expect(heard).toEqual([]);
    expect(p.stats().rejects.clock_skew).toBe(51);
    expect(rejected.every((r) => r === "clock_skew")).toBe(true);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/^i-1 skewed: device clock implausible: its measures ts is \d+\.\d s ahead of the hub's clock \(at most 120 s\)/);
    // Its clock is put right: accepted, and the report clears once.
    p.handle(T("i-1", "measures"), json(measures("i-1", 52, HUB_NOW - 1_000)));
    p.handle(T("i-1", "measures"), json(measures("i-1", 53, HUB_NOW)));
    expect(heard).toEqual([52, 53]);
    expect(changes.slice(1)).toEqual(["i-1 ok: i-1: clock plausible again"]);
  });

  it("does not let a huge seq with a future ts make the device's later messages stale", () => {
    const { p } = skewChecked();
    const heard: number[] = [];
    p.on("measures", (m) => heard.push(m.seq));
    p.handle(T("i-1", "measures"), json(measures("i-1", 1, HUB_NOW - 5_000)));
    p.handle(T("i-1", "measures"), json(measures("i-1", Number.MAX_SAFE_INTEGER, HUB_NOW + TEN_YEARS_MS)));
    for (let seq = 2; seq <= 4; seq++) p.handle(T("i-1", "measures"), json(measures("i-1", seq, HUB_NOW - 5_000 + seq)));
    expect(heard).toEqual([1, 2, 3, 4]);
    expect(p.stats().rejects).toMatchObject({ clock_skew: 1, stale: 0, duplicate: 0 });
  });

  it("accepts an outbox replay from an hour ago and a last will from days ago, but not a year-old message", () => {
    const { p } = skewChecked();
    p.handle(T("i-1", "measures"), json(measures("i-1", 1, HUB_NOW - 3_600_000)));
    p.handle(T("i-1", "status"), json(status("i-1", 2, true, HUB_NOW - 1_000)));
    p.handle(T("i-1", "status"), json(status("i-1", 0, false, HUB_NOW - 5 * 86_400_000)));
    p.handle(T("i-1", "events"), json(events("i-1", 3, [1], HUB_NOW - 365 * 86_400_000)));
    expect(p.stats().messages).toMatchObject({ measures: 1, status: 2, events: 0 });
    expect(p.store.get("i-1")?.online).toBe(false);
    expect(p.stats().rejects.clock_skew).toBe(1);
  });
});
