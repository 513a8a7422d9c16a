import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextRing } from "./text-ring.js";
import { Timeline } from "./timeline.js";

type Item = { ts: number; v: string };
const sameV = (a: Item, b: Item): boolean => a.v === b.v;
const vOf = (x: Item): string => x.v;

describe("TextRing", () => {
  it("keeps late arrivals in timestamp order and drops the oldest past its capacity", () => {
    const ring = new TextRing<{ ts: number }>(3);
    for (const ts of [10, 30, 20, 40]) ring.insert({ ts });
    expect(ring.latest(10).map((x) => x.ts)).toEqual([20, 30, 40]);
    ring.insert({ ts: 5 });
    expect(ring.latest(10).map((x) => x.ts)).toEqual([20, 30, 40]);
    expect(ring.latest(2).map((x) => x.ts)).toEqual([30, 40]);
    expect(ring.latest(0)).toEqual([]);
  });

  it("replaces a redelivered item instead of keeping two, and keeps non-ASCII text intact", () => {
    const ring = new TextRing<Item>(5, vOf);
    ring.insert({ ts: 1, v: "a" });
    ring.insert({ ts: 1, v: "bé→🚦" });
    ring.insert({ ts: 1, v: "a" });
    expect(ring.latest(5)).toEqual([
      { ts: 1, v: "a" },
      { ts: 1, v: "bé→🚦" },
    ]);
  });

  it("reclaims the bytes of evicted items: the buffer stays within a few times the live text however many go through", () => {
    const ring = new TextRing<Item>(10);
    const text = "x".repeat(200);
    for (let ts = 0; ts < 10_000; ts++) ring.insert({ ts, v: text });
    const live = 10 * JSON.stringify({ ts: 9999, v: text }).length;
    expect(ring.size).toBe(10);
    expect(ring.bufferBytes).toBeLessThanOrEqual(live * 2);
    expect(ring.latest(10).map((x) => x.ts)).toEqual([9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999]);
  });

  it("reuses its buffer once full when its items keep their size, late arrivals included", () => {
    const ring = new TextRing<Item>(50);
    const text = "y".repeat(100);
    for (let ts = 0; ts < 1000; ts++) ring.insert({ ts: ts * 10, v: text });
    const allocations = ring.bufferAllocations;
    const bytes = ring.bufferBytes;
    // Every third item arrives late, behind two newer ones: its bytes lie after theirs.
    for (let ts = 1000; ts < 20_000; ts++) ring.insert({ ts: ts % 3 === 0 ? (ts - 2) * 10 + 7 : ts * 10 + 5, v: text });
    expect(ring.bufferAllocations).toBe(allocations);
    expect(ring.bufferBytes).toBe(bytes);
    const kept = ring.latest(50).map((x) => x.ts);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.at(-1)).toBe(19_999 * 10 + 5);
  });

  it("tells a redelivery from a new item among a thousand at the same millisecond", () => {
    const ring = new TextRing<Item>(2000, vOf);
    for (let i = 0; i < 1000; i++) ring.insert({ ts: 7, v: `alarm ${i}` });
    ring.insert({ ts: 7, v: "alarm 0" });
    ring.insert({ ts: 7, v: "alarm 999" });
    ring.insert({ ts: 7, v: "alarm 1000" });
    expect(ring.size).toBe(1001);
    expect(ring.latest(2000).filter((x) => x.v === "alarm 0")).toHaveLength(1);
  });

  it("reserves index room as items come, not its whole capacity up front", () => {
    const ring = new TextRing<{ ts: number }>(1000);
    for (let ts = 0; ts < 3; ts++) ring.insert({ ts });
    expect(ring.indexBytes).toBe(16 * (3 * 8 + 4));
    for (let ts = 3; ts < 1500; ts++) ring.insert({ ts: ts % 2 === 0 ? ts : ts - 2.5 });
    expect(ring.indexBytes).toBe(1000 * (3 * 8 + 4));
    expect(ring.size).toBe(1000);
    expect(ring.latest(2).map((x) => x.ts)).toEqual([1496.5, 1498]);
  });

  it("answers what a Timeline of objects answers, for any order of inserts (seed printed)", () => {
    const seed = Date.now() % 2 ** 31;
    console.log(`TextRing vs Timeline property seed ${seed}`);
    fc.assert(
      fc.property(
        // Capacities past the 16 index slots a ring starts with, so its index grows mid-run.
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.record({ ts: fc.integer({ min: 0, max: 150 }), v: fc.constantFrom("a", "b", "ccc", "ü".repeat(30)) }), { maxLength: 120 }),
        fc.integer({ min: 0, max: 15 }),
        (capacity, items, limit) => {
          const ring = new TextRing<Item>(capacity, vOf);
          const reference = new Timeline<Item>(capacity, (x) => x.ts, sameV);
          for (const item of items) {
            ring.insert(item);
            reference.insert(item);
            expect(ring.size).toBe(reference.size);
          }
          expect(ring.latest(limit)).toEqual(reference.latest(limit));
        },
      ),
      { seed },
    );
  });
});
