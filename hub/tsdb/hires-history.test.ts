import { describe, expect, it } from "vitest";
import type { Events } from "../../protocol/index.js";
import { HiResHistory, hiResBoundsFor } from "./hires-history.js";

function events(id: string, list: [number, number, number][]): Events {
  return { ts: 0, seq: 1, intersectionId: id, events: list.map(([ts, code, param]) => ({ type: "hires" as const, ts, code, param })) };
}

describe("HiResHistory", () => {
  it("returns one intersection's hi-res events in a time range, sorted, without acks or alarms", () => {
    const h = new HiResHistory();
    h.record(events("a", [[3000, 1, 2], [1000, 82, 5], [2000, 81, 5]]));
    h.record({ ts: 0, seq: 2, intersectionId: "a", events: [{ type: "alarm", ts: 2500, alarm: "fallback", message: "x" }] });
    h.record(events("b", [[1500, 1, 4]]));
    const log = h.range("a", 1000, 3000);
    expect(Array.from(log.tsMs)).toEqual([1000, 2000]);
    expect(Array.from(log.code)).toEqual([82, 81]);
    expect(h.span("a")).toEqual({ oldestMs: 1000, newestMs: 3000 });
    expect(h.range("nowhere", 0, 1e13).length).toBe(0);
  });

  it("keeps only the newest events beyond its bound", () => {
    const h = new HiResHistory({ eventsPerIntersection: 300 });
    h.record(events("a", Array.from({ length: 1000 }, (_, i): [number, number, number] => [i, 82, 1])));
    const log = h.range("a", 0, 1e13);
    expect(log.length).toBe(300);
    expect(log.tsMs[0]).toBe(700);
    expect(log.tsMs[299]).toBe(999);
  });

  it("sizes the per-intersection bound to the city", () => {
    expect(hiResBoundsFor(10).eventsPerIntersection).toBe(200_000);
    expect(hiResBoundsFor(5000).eventsPerIntersection).toBe(2000);
  });
});
