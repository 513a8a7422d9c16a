import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineQueue } from "./line-queue.js";

function drain(queue: LineQueue): string[] {
  return queue.takeBatch(queue.queued);
}

describe("LineQueue", () => {
  it("drops the oldest line when full and reports it", () => {
    const queue = new LineQueue(3);
    const dropped = ["a", "b", "c", "d", "e"].map((line) => queue.push(line, 0));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect(queue.size).toBe(3);
    expect(drain(queue)).toEqual(["c", "d", "e"]);
  });

  it("puts a failed batch back in front of lines queued meanwhile", () => {
    const queue = new LineQueue(10);
    for (const line of ["a", "b", "c"]) queue.push(line, 0);
    expect(queue.takeBatch(2)).toEqual(["a", "b"]);
    queue.push("d", 0);
    expect(queue.size).toBe(4);
    expect(queue.settle(false)).toBe(0);
    expect(drain(queue)).toEqual(["a", "b", "c", "d"]);
  });

  it("forgets a delivered batch", () => {
    const queue = new LineQueue(10);
    for (const line of ["a", "b", "c"]) queue.push(line, 0);
    queue.takeBatch(2);
    queue.settle(true);
    expect(queue.size).toBe(1);
    expect(drain(queue)).toEqual(["c"]);
  });

  it("counts the in-flight batch against the bound and loses its oldest lines only if it fails", () => {
    const failing = new LineQueue(3);
    for (const line of ["a", "b", "c"]) failing.push(line, 0);
    failing.takeBatch(3);
    expect(failing.push("d", 0)).toBe(0);
    expect(failing.push("e", 0)).toBe(0);
    expect(failing.size).toBe(3);
    expect(failing.settle(false)).toBe(2);
    expect(drain(failing)).toEqual(["c", "d", "e"]);

    const succeeding = new LineQueue(3);
    for (const line of ["a", "b", "c"]) succeeding.push(line, 0);
    succeeding.takeBatch(3);
    succeeding.push("d", 0);
    expect(succeeding.settle(true)).toBe(0);
    expect(drain(succeeding)).toEqual(["d"]);
  });

  it("drops queued lines older than a cutoff", () => {
    const queue = new LineQueue(10);
    queue.push("old", 100);
    queue.push("older-too", 150);
    queue.push("new", 200);
    expect(queue.dropOlderThan(200)).toBe(2);
    expect(drain(queue)).toEqual(["new"]);
  });

  it("refuses a second batch while one is in flight", () => {
    const queue = new LineQueue(4);
    queue.push("a", 0);
    queue.takeBatch(1);
    expect(() => queue.takeBatch(1)).toThrow(/already in flight/);
  });

  type Op = { kind: "push"; n: number } | { kind: "take"; max: number } | { kind: "settle"; delivered: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("push" as const), n: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant("take" as const), max: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ kind: fc.constant("settle" as const), delivered: fc.boolean() }),
  );

  it("never holds more than its capacity, loses nothing uncounted, and keeps the newest undelivered lines", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const queue = new LineQueue(capacity);
        const delivered = new Set<string>();
        const pushed: string[] = [];
        let dropped = 0;
        let inFlight: string[] | undefined;
        for (const o of ops) {
          if (o.kind === "push") {
            for (let i = 0; i < o.n; i++) {
              const line = `l${pushed.length}`;
              pushed.push(line);
              dropped += queue.push(line, 0);
            }
          } else if (o.kind === "take" && !inFlight) {
            inFlight = queue.takeBatch(o.max);
          } else if (o.kind === "settle" && inFlight) {
            dropped += queue.settle(o.delivered);
            if (o.delivered) for (const line of inFlight) delivered.add(line);
            inFlight = undefined;
          }
          expect(queue.size).toBeLessThanOrEqual(capacity);
          expect(pushed.length).toBe(delivered.size + dropped + queue.size + queue.doomedLines);
        }
        if (inFlight) dropped += queue.settle(false);
        const kept = drain(queue);
        const undelivered = pushed.filter((line) => !delivered.has(line));
        expect(kept).toEqual(undelivered.slice(undelivered.length - kept.length));
        expect(kept.length).toBe(pushed.length - delivered.size - dropped);
      }),
    );
  });
});
