import { describe, expect, it } from "vitest";
import { alignSeries, terminationSeries } from "./performance-series.js";

describe("performance chart series", () => {
  it("puts every series on one sorted x, with nulls where a series has no point", () => {
    expect(alignSeries([{ x: [3, 1], y: [30, 10] }, { x: [2, 3], y: [20, 33] }])).toEqual([
      [1, 2, 3],
      [10, null, 30],
      [null, 20, 33],
    ]);
  });

  it("splits greens by how they ended, each at its phase's row", () => {
    const series = terminationSeries([
      { phase: 2, gapOut: 1, maxOut: 0, forceOff: 1, unknown: 0, endsMs: [1000, 2000], codes: [4, 6] },
      { phase: 4, gapOut: 0, maxOut: 1, forceOff: 0, unknown: 0, endsMs: [1500], codes: [5] },
    ]);
    expect(series).toEqual([
      { x: [1], y: [2] },
      { x: [1.5], y: [4] },
      { x: [2], y: [2] },
    ]);
  });
});
