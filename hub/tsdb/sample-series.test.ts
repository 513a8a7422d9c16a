import { describe, expect, it } from "vitest";
import { SampleSeries } from "./sample-series.js";

const sample = (ts: number, count = ts) => ({ ts, intervalMs: 1000, count, countsByClass: { car: count, bus: 1 }, queue: ts / 10, occupancy: 0.5 });
const tsOf = (series: SampleSeries) => series.since(Number.NEGATIVE_INFINITY).map((s) => s.ts);

describe("SampleSeries", () => {
  it("gives back what it was given, with only the classes the payload had", () => {
    const series = new SampleSeries(4, "E");
    series.insert({ ...sample(10), countsByClass: { truck: 2 } });
    expect(series.since(0)).toEqual([{ approachId: "E", ts: 10, intervalMs: 1000, count: 10, countsByClass: { truck: 2 }, queue: 1, occupancy: 0.5 }]);
  });

  it("keeps timestamp order for late arrivals and the newest `capacity` samples, across the ring's wrap", () => {
    const series = new SampleSeries(4, "E");
    for (const ts of [10, 20, 30, 40, 50, 60]) series.insert(sample(ts)); // wrapped: the ring starts mid-array
    expect(tsOf(series)).toEqual([30, 40, 50, 60]);
    series.insert(sample(45)); // late, full: the oldest goes
    expect(tsOf(series)).toEqual([40, 45, 50, 60]);
    series.insert(sample(35)); // older than all kept and no room
    expect(tsOf(series)).toEqual([40, 45, 50, 60]);
    expect(series.since(45).map((s) => [s.ts, s.count, s.countsByClass.car])).toEqual([
      [45, 45, 45],
      [50, 50, 50],
      [60, 60, 60],
    ]);
    expect(series.size).toBe(4);
  });

  it("replaces a redelivered sample (same ts) instead of keeping two", () => {
    const series = new SampleSeries(8, "E");
    for (const ts of [10, 20, 30]) series.insert(sample(ts));
    series.insert(sample(20, 99));
    expect(series.since(0).map((s) => [s.ts, s.count])).toEqual([
      [10, 10],
      [20, 99],
      [30, 30],
    ]);
    series.insert(sample(15));
    expect(tsOf(series)).toEqual([10, 15, 20, 30]);
  });

  it("allocates as samples come, not the whole capacity up front, and keeps order while it grows", () => {
    const series = new SampleSeries(720, "E");
    series.insert(sample(10));
    const small = series.bytes;
    expect(small).toBeLessThan(720 * 80 / 10);
    // In order with a late arrival every 7th, across several doublings and past the capacity.
    const kept: number[] = [];
    for (let ts = 1; ts <= 2000; ts++) {
      const t = ts % 7 === 0 ? ts * 10 - 15 : ts * 10;
      series.insert(sample(t));
      kept.push(t);
    }
    kept.push(10);
    const expected = [...new Set(kept)].sort((a, b) => a - b).slice(-720);
    expect(tsOf(series)).toEqual(expected);
    expect(series.bytes).toBe(720 * 80);
  });
});
