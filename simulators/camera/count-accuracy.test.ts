import { describe, expect, it } from "vitest";
import { countAccuracy } from "./count-accuracy.js";

describe("countAccuracy", () => {
  it("is 1 when every approach's count matches the truth", () => {
    const a = countAccuracy({ N: 10, E: 25 }, { N: 10, E: 25 });
    expect(a.overall).toBe(1);
    expect(a.byKey).toEqual({ E: 1, N: 1 });
  });

  it("takes errors per approach, so an over-count on one never hides an under-count on another", () => {
    const a = countAccuracy({ N: 12, E: 23 }, { N: 10, E: 25 });
    // Totals agree (35 = 35), yet four vehicles were miscounted out of 35.
    expect(a.overall).toBeCloseTo(1 - 4 / 35, 12);
    expect(a.byKey.N).toBeCloseTo(0.8, 12);
    expect(a.byKey.E).toBeCloseTo(0.92, 12);
    expect(a.totalAbsError).toBe(4);
  });

  it("weighs approaches by their volume", () => {
    const a = countAccuracy({ busy: 95, quiet: 0 }, { busy: 100, quiet: 2 });
    expect(a.overall).toBeCloseTo(1 - 7 / 102, 12);
    expect(a.byKey.quiet).toBe(0);
  });

  it("treats a key missing on one side as zero there", () => {
    const a = countAccuracy({ N: 5, ghost: 3 }, { N: 5, S: 4 });
    expect(a.totalTrue).toBe(9);
    expect(a.totalCounted).toBe(8);
    expect(a.byKey.ghost).toBe(0);
    expect(a.byKey.S).toBe(0);
    expect(a.overall).toBeCloseTo(1 - 7 / 9, 12);
  });

  it("is 1 when nothing passed and nothing was counted, 0 when something was counted from nothing", () => {
    expect(countAccuracy({}, {}).overall).toBe(1);
    expect(countAccuracy({ N: 0 }, { N: 0 }).overall).toBe(1);
    expect(countAccuracy({ N: 2 }, { N: 0 }).overall).toBe(0);
  });

  it("never goes below 0 when the count is more than double the truth", () => {
    expect(countAccuracy({ N: 50 }, { N: 10 }).overall).toBe(0);
  });

  it("rejects negative counts, naming the key", () => {
    expect(() => countAccuracy({ W: -1 }, { W: 3 })).toThrow(/W: counts must be non-negative/);
  });
});
