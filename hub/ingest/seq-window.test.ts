import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeqWindow } from "./seq-window.js";

const T0 = 1_700_000_000_000;
const tsOf = (seq: number): number => T0 + seq * 100;

describe("SeqWindow", () => {
  it("accepts increasing seqs and drops an exact redelivery", () => {
    const w = new SeqWindow(8);
    expect(w.check(1, tsOf(1))).toBe("new");
    expect(w.check(2, tsOf(2))).toBe("new");
    expect(w.check(2, tsOf(2))).toBe("duplicate");
    expect(w.check(1, tsOf(1))).toBe("duplicate");
    expect(w.check(3, tsOf(3))).toBe("new");
  });

  it("accepts a late arrival inside the window once, and treats one below it as stale", () => {
    const w = new SeqWindow(4);
    for (const seq of [10, 12, 13]) expect(w.check(seq, tsOf(seq))).toBe("new");
    expect(w.check(11, tsOf(11))).toBe("new");
    expect(w.check(11, tsOf(11))).toBe("duplicate");
    expect(w.check(9, tsOf(9))).toBe("stale"); // 13 - 4 = 9: at the window's edge
    expect(w.check(20, tsOf(20))).toBe("new");
    expect(w.check(13, tsOf(13))).toBe("stale");
    expect(w.check(17, tsOf(17))).toBe("new"); // never seen, inside (16, 20]
  });

  it("follows an agent that lost its counter: a lower seq with a newer ts restarts the window", () => {
    const w = new SeqWindow(16);
    for (let seq = 500; seq < 510; seq++) w.check(seq, tsOf(seq));
    const restartTs = tsOf(10_000);
    expect(w.check(0, restartTs)).toBe("new");
    expect(w.check(1, restartTs + 1)).toBe("new");
    expect(w.check(0, restartTs)).toBe("duplicate");
    // a replay of the old stream carries its old ts, and is now far ahead in seq: still judged by seq
    expect(w.check(2, restartTs + 2)).toBe("new");
  });

  it("accepts every distinct message exactly once when redeliveries and reorders stay within the window", () => {
    const size = 32;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: size / 2 - 1 }), fc.option(fc.nat({ max: size / 2 - 1 }))), { minLength: 1, maxLength: 150 }),
        (delays) => {
          // Message seq i is sent at time i and arrives at i + delay (< size/2 late); some arrive twice.
          const arrivals: { seq: number; at: number }[] = [];
          delays.forEach(([delay, again], i) => {
            arrivals.push({ seq: i + 1, at: i + 1 + delay });
            if (again !== null) arrivals.push({ seq: i + 1, at: i + 1 + again + 0.5 });
          });
          arrivals.sort((a, b) => a.at - b.at);
          const w = new SeqWindow(size);
          const accepted: number[] = [];
          for (const { seq } of arrivals) if (w.check(seq, tsOf(seq)) === "new") accepted.push(seq);
          expect(accepted.sort((a, b) => a - b)).toEqual(delays.map((_, i) => i + 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a window size that is not a positive integer", () => {
    expect(() => new SeqWindow(0)).toThrow(/positive integer/);
  });
});
