import { describe, expect, it } from "vitest";
import { Measures } from "../../protocol/index.js";
import { parseIntersectionTiming } from "../control/config.js";
import { PlanQueue } from "./plan-queue.js";
import { Planner, type PlannedPlan } from "./planner.js";

const timing = (intersectionId: string) =>
  parseIntersectionTiming({
    intersectionId,
    planRefreshS: 10,
    phases: [
      { phase: 2, minGreenS: 10, maxGreenS: 60, yellowS: 4, redClearanceS: 2, approaches: [{ approachId: "E", lanes: 2 }] },
      { phase: 4, minGreenS: 8, maxGreenS: 40, yellowS: 3.5, redClearanceS: 2, approaches: [{ approachId: "N", lanes: 1 }] },
    ],
  });

const measures = (intersectionId: string, ts: number, seq: number): Measures =>
  Measures.parse({
    ts,
    seq,
    intersectionId,
    intervalMs: 1000,
    modelId: "test",
    framesProcessed: 5,
    approaches: [
      { approachId: "E", count: 2, countsByClass: {}, queue: 3, occupancy: 0.3 },
      { approachId: "N", count: 1, countsByClass: {}, queue: 1, occupancy: 0.1 },
    ],
  });

/** A queue whose deferred work runs only when the test says, and whose clock advances 1 ms per reading. */
function harness(ids: string[], sliceMs: number) {
  const deferred: (() => void)[] = [];
  const delays: number[] = [];
  let clockMs = 0;
  let hubMs = 0;
  const published: { plans: PlannedPlan[]; nowMs: number }[] = [];
  const queue = new PlanQueue(new Planner(ids.map(timing)), (plans, nowMs) => published.push({ plans, nowMs }), {
    sliceMs,
    restMs: 15,
    defer: (work, delayMs) => {
      deferred.push(work);
      delays.push(delayMs);
    },
    clock: () => clockMs++,
    now: () => hubMs,
  });
  /** Measures arriving when the hub's clock reads `atMs`. */
  const measured = (m: Measures, atMs = m.ts): void => {
    hubMs = atMs;
    queue.onMeasures(m);
  };
  const runDeferred = (): number => {
    const work = deferred.splice(0);
    for (const w of work) w();
    return work.length;
  };
  return { queue, measured, published, runDeferred, deferred, delays };
}

describe("PlanQueue", () => {
  it("plans nothing on the ingest path, then every intersection in slices, each once at its latest measures' time", () => {
    const ids = Array.from({ length: 10 }, (_, i) => `x${i}`);
    const { queue, measured, published, runDeferred, deferred, delays } = harness(ids, 3);
    for (const [i, id] of ids.entries()) measured(measures(id, 1000 + i, 1));
    measured(measures("x0", 2000, 2)); // measured again while queued
    measured(measures("unknown", 2000, 1)); // not configured: ignored
    expect(published).toEqual([]);
    expect(queue.size).toBe(10);
    expect(deferred).toHaveLength(1); // one drain scheduled, however many measures came

    let slices = 0;
    while (runDeferred() > 0) slices++;
    expect(slices).toBeGreaterThan(1); // a 3 ms slice at 1 ms per check cannot take all ten
    expect(delays[0]).toBe(0); // the first slice as soon as I/O allows
    expect(delays.slice(1).every((d) => d === 15)).toBe(true); // later ones after a rest
    expect(queue.size).toBe(0);
    const planned = published.flatMap((p) => p.plans.map((plan) => ({ id: plan.intersectionId, nowMs: p.nowMs })));
    expect(planned.map((p) => p.id)).toEqual(ids); // oldest first
    expect(planned[0]!.nowMs).toBe(2000);
    expect(planned[3]!.nowMs).toBe(1003);
  });

  it("asks again on later measures and plans only when the refresh interval has passed", () => {
    const { queue, measured, published, runDeferred } = harness(["a"], 100);
    measured(measures("a", 0, 1));
    runDeferred();
    measured(measures("a", 5_000, 2));
    runDeferred();
    measured(measures("a", 10_000, 3));
    runDeferred();
    expect(published.map((p) => [p.nowMs, p.plans.length])).toEqual([
      [0, 1],
      [5_000, 0],
      [10_000, 1],
    ]);
  });
});

describe("PlanQueue on the hub's clock", () => {
  it("plans at the hub's time, however far ahead a device stamps its measures", () => {
    const { measured, published, runDeferred } = harness(["a", "b"], 100);
    const TEN_YEARS_MS = 10 * 365 * 86_400_000;
    measured(measures("a", 1_000, 1), 1_000);
    measured(measures("b", TEN_YEARS_MS, 1), 1_000);
    runDeferred();
    measured(measures("a", 11_000, 2), 11_000);
    runDeferred();
    const planned = published.flatMap((p) => p.plans.map((plan) => ({ id: plan.intersectionId, nowMs: p.nowMs, validUntil: plan.plan.validUntil })));
    expect(planned.map((p) => [p.id, p.nowMs])).toEqual([["a", 1_000], ["b", 1_000], ["a", 11_000]]);
    expect(Math.max(...planned.map((p) => p.validUntil))).toBeLessThan(11_000 + 3_600_000);
  });
});

describe("PlanQueue.heartbeat", () => {
  it("checks every intersection not already waiting, in slices, and leaves a waiting one at its measures' time", () => {
    const ids = Array.from({ length: 10 }, (_, i) => `x${i}`);
    const { queue, measured, published, runDeferred, deferred } = harness(ids, 3);
    for (const id of ids) measured(measures(id, 0, 1));
    while (runDeferred() > 0);
    published.length = 0;
    measured(measures("x4", 10_500, 2));
    queue.heartbeat(11_000, ids);
    expect(published).toEqual([]);
    expect(queue.size).toBe(10);
    expect(deferred).toHaveLength(1);
    let slices = 0;
    while (runDeferred() > 0) slices++;
    expect(slices).toBeGreaterThan(1);
    const planned = published.flatMap((p) => p.plans.map((plan) => [plan.intersectionId, p.nowMs]));
    expect(planned).toEqual([["x4", 10_500], ...ids.filter((id) => id !== "x4").map((id) => [id, 11_000])]);
  });
});

describe("PlanQueue.stop", () => {
  it("drops what is queued and takes nothing more", () => {
    const { queue, measured, published, runDeferred } = harness(["a", "b"], 100);
    measured(measures("a", 0, 1));
    queue.stop();
    measured(measures("b", 0, 1));
    runDeferred();
    expect(queue.size).toBe(0);
    expect(published.flatMap((p) => p.plans)).toEqual([]);
  });
});
