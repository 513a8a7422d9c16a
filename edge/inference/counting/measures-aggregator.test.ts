import { describe, expect, it } from "vitest";
import { ApproachMeasures } from "../../../protocol/index.js";
import { MeasuresAggregator } from "./measures-aggregator.js";

describe("MeasuresAggregator", () => {
  it("sums counts by approach and class over an interval", () => {
    const agg = new MeasuresAggregator(["N", "S"], 1_000);
    agg.recordFrame({ counts: [{ approachId: "N", className: "car" }, { approachId: "N", className: "truck" }] });
    agg.recordFrame({ counts: [{ approachId: "N", className: "car" }, { approachId: "S" }] });
    agg.recordFrame({});
    const m = agg.flush(61_000);
    expect(m.intervalMs).toBe(60_000);
    expect(m.framesProcessed).toBe(3);
    expect(m.approaches).toEqual([
      { approachId: "N", count: 3, countsByClass: { car: 2, truck: 1 }, queue: 0, occupancy: 0 },
      { approachId: "S", count: 1, countsByClass: {}, queue: 0, occupancy: 0 },
    ]);
    for (const a of m.approaches) expect(ApproachMeasures.parse(a)).toEqual(a);
  });

  it("reports the queue as the mean over frames of the sum over an approach's queue zones", () => {
    const agg = new MeasuresAggregator(["N"], 0);
    const frame = (q1: number, q2: number): void =>
      agg.recordFrame({
        zones: [
          { approachId: "N", kind: "queue", occupied: q1 > 0 ? 1 : 0, queueVeh: q1 },
          { approachId: "N", kind: "queue", occupied: q2 > 0 ? 1 : 0, queueVeh: q2 },
          { approachId: "N", kind: "presence", occupied: 1, queueVeh: 0 },
        ],
      });
    frame(2, 1);
    frame(4, 0);
    frame(0, 0);
    frame(3, 2);
    expect(agg.flush(1_000).approaches[0].queue).toBeCloseTo((3 + 4 + 0 + 5) / 4);
  });

  it("reports occupancy as the mean share of time the approach's zones were occupied", () => {
    const agg = new MeasuresAggregator(["N", "S"], 0);
    const pattern = [
      [1, 0],
      [1, 1],
      [0, 0],
      [1, 0],
    ];
    for (const [a, b] of pattern) {
      agg.recordFrame({
        zones: [
          { approachId: "N", kind: "loop", occupied: a, queueVeh: 0 },
          { approachId: "N", kind: "presence", occupied: b, queueVeh: 0 },
        ],
      });
    }
    const [n, s] = agg.flush(500).approaches;
    expect(n.occupancy).toBeCloseTo((3 / 4 + 1 / 4) / 2);
    expect(s.occupancy).toBe(0);
  });

  it("starts a new interval at each flush", () => {
    const agg = new MeasuresAggregator(["N"], 0);
    agg.recordFrame({ counts: [{ approachId: "N", className: "bus" }], zones: [{ approachId: "N", kind: "queue", occupied: 1, queueVeh: 3 }] });
    agg.flush(10_000);
    agg.recordFrame({ zones: [{ approachId: "N", kind: "queue", occupied: 0, queueVeh: 0 }] });
    agg.addCount({ approachId: "N" });
    const m = agg.flush(25_000);
    expect(m).toEqual({
      intervalMs: 15_000,
      framesProcessed: 1,
      approaches: [{ approachId: "N", count: 1, countsByClass: {}, queue: 0, occupancy: 0 }],
    });
  });

  it("refuses samples for an approach it was not given", () => {
    const agg = new MeasuresAggregator(["N"], 0);
    expect(() => agg.recordFrame({ counts: [{ approachId: "E" }] })).toThrow(/unknown approach "E"/);
    expect(() => new MeasuresAggregator([], 0)).toThrow(/at least one approach/);
  });
});
