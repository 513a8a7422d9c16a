import { describe, expect, it } from "vitest";
import { Events, Measures, Plan, Signal } from "../../protocol/index.js";
import { historyBoundsFor, MemoryHistory, MemoryHistoryOptions } from "./memory-history.js";
import { Timeline } from "./timeline.js";

const T0 = 1_790_000_000_000;

function measures(intersectionId: string, ts: number, approaches: string[] = ["north", "south"], count = 1): Measures {
  return Measures.parse({
    ts,
    seq: ts - T0,
    intersectionId,
    intervalMs: 5000,
    modelId: "virtual-loop",
    framesProcessed: 50,
    approaches: approaches.map((approachId) => ({ approachId, count, queue: 1, occupancy: 0.1 })),
  });
}

function plan(intersectionId: string, ts: number, planId = `p-${ts}`): Plan {
  return Plan.parse({ ts, seq: 1, intersectionId, planId, cycleS: 90, offsetS: 0, splitsS: { "2": 45, "4": 45 }, validUntil: ts + 60_000, reason: "test" });
}

function signal(intersectionId: string, ts: number): Signal {
  return Signal.parse({ ts, seq: 1, intersectionId, mode: "adaptive", planId: null, cycleSecond: null, activePhases: [2], groups: { "2": "G" } });
}

function hiresEvents(intersectionId: string, ts: number, codes: number[]): Events {
  return Events.parse({ ts, seq: 1, intersectionId, events: codes.map((code) => ({ type: "hires", ts, code, param: 2 })) });
}

describe("Timeline", () => {
  it("keeps late arrivals in timestamp order and drops the oldest past its capacity", () => {
    const timeline = new Timeline<{ ts: number }>(3, (x) => x.ts);
    for (const ts of [10, 30, 20, 40]) timeline.insert({ ts });
    expect(timeline.latest(10).map((x) => x.ts)).toEqual([20, 30, 40]);
    timeline.insert({ ts: 5 });
    expect(timeline.latest(10).map((x) => x.ts)).toEqual([20, 30, 40]);
  });

  it("replaces a redelivered item instead of keeping two", () => {
    const timeline = new Timeline<{ ts: number; v: string }>(5, (x) => x.ts, (a, b) => a.v === b.v);
    timeline.insert({ ts: 1, v: "a" });
    timeline.insert({ ts: 1, v: "b" });
    timeline.insert({ ts: 1, v: "a" });
    expect(timeline.since(0)).toEqual([
      { ts: 1, v: "a" },
      { ts: 1, v: "b" },
    ]);
  });
});

describe("MemoryHistory", () => {
  it("answers measures since a time for every approach, oldest first", () => {
    const history = new MemoryHistory();
    for (let i = 0; i < 5; i++) history.recordMeasures(measures("a", T0 + i * 5000));
    const recent = history.measuresSince("a", T0 + 10_000);
    expect(recent.map((s) => `${s.ts - T0}/${s.approachId}`)).toEqual([
      "10000/north",
      "10000/south",
      "15000/north",
      "15000/south",
      "20000/north",
      "20000/south",
    ]);
    expect(recent[0]).toEqual({ approachId: "north", ts: T0 + 10_000, intervalMs: 5000, count: 1, countsByClass: {}, queue: 1, occupancy: 0.1 });
    expect(history.measuresSince("unknown", 0)).toEqual([]);
  });

  it("keeps at most measuresPerApproach samples per approach, the newest", () => {
    const history = new MemoryHistory({ measuresPerApproach: 720 });
    for (let i = 0; i < 2000; i++) history.recordMeasures(measures("a", T0 + i * 5000));
    const all = history.measuresSince("a", 0);
    expect(all).toHaveLength(2 * 720);
    expect(all[0].ts).toBe(T0 + (2000 - 720) * 5000);
    expect(all[all.length - 1].ts).toBe(T0 + 1999 * 5000);
  });

  it("does not duplicate a redelivered measures payload", () => {
    const history = new MemoryHistory();
    history.recordMeasures(measures("a", T0, ["north"], 3));
    history.recordMeasures(measures("a", T0, ["north"], 3));
    expect(history.measuresSince("a", 0)).toHaveLength(1);
  });

  it("returns the latest plans, signals and events up to a limit, oldest first", () => {
    const history = new MemoryHistory({ plansPerIntersection: 3, eventsPerIntersection: 4, signalsPerIntersection: 2 });
    for (let i = 0; i < 5; i++) history.recordPlan(plan("a", T0 + i));
    expect(history.plans("a", 10).map((p) => p.planId)).toEqual([`p-${T0 + 2}`, `p-${T0 + 3}`, `p-${T0 + 4}`]);
    expect(history.plans("a", 2).map((p) => p.planId)).toEqual([`p-${T0 + 3}`, `p-${T0 + 4}`]);
    expect(history.plans("a", 0)).toEqual([]);

    history.recordEvents(hiresEvents("a", T0, [1, 8, 9]));
    history.recordEvents(hiresEvents("a", T0 + 1, [10, 11]));
    history.recordEvents(hiresEvents("a", T0 + 1, [10, 11]));
    expect(history.events("a", 10).map((e) => (e.type === "hires" ? e.code : -1))).toEqual([8, 9, 10, 11]);

    for (let i = 0; i < 3; i++) history.recordSignal(signal("a", T0 + i));
    expect(history.signals("a", 10).map((s) => s.ts)).toEqual([T0 + 1, T0 + 2]);
  });

  it("keeps history per intersection apart", () => {
    const history = new MemoryHistory();
    history.recordPlan(plan("a", T0, "for-a"));
    history.recordPlan(plan("b", T0, "for-b"));
    expect(history.plans("a", 10).map((p) => p.planId)).toEqual(["for-a"]);
    expect(history.plans("b", 10).map((p) => p.planId)).toEqual(["for-b"]);
  });

  it("stays bounded however many intersections and approaches send", () => {
    const history = new MemoryHistory({ maxIntersections: 10, approachesPerIntersection: 4, measuresPerApproach: 5, plansPerIntersection: 2, eventsPerIntersection: 3 });
    for (let x = 0; x < 50; x++) {
      for (let i = 0; i < 20; i++) {
        const id = `x-${x}`;
        history.recordMeasures(measures(id, T0 + i * 1000, [`ap-${i % 9}`, `ap-${(i + 1) % 9}`]));
        history.recordPlan(plan(id, T0 + i * 1000));
        history.recordEvents(hiresEvents(id, T0 + i * 1000, [1, 8, 9]));
      }
    }
    const sizes = history.sizes();
    expect(sizes.intersections).toBe(10);
    expect(sizes.approachSamples).toBeLessThanOrEqual(10 * 4 * 5);
    expect(sizes.approachSamples).toBeGreaterThan(0);
    expect(sizes.plans).toBe(10 * 2);
    expect(sizes.events).toBe(10 * 3);
    // The most recently heard intersections are the ones kept.
    expect(history.intersectionIds()).toEqual(Array.from({ length: 10 }, (_, k) => `x-${40 + k}`));
    expect(history.plans("x-0", 10)).toEqual([]);
  });

  it("holds flat bytes once full: another hour of the same traffic adds nothing", () => {
    const history = new MemoryHistory({ measuresPerApproach: 50, signalsPerIntersection: 40, plansPerIntersection: 10, eventsPerIntersection: 30 });
    const hour = (start: number): void => {
      for (let i = start; i < start + 200; i++) {
        history.recordMeasures(measures("a", T0 + i * 5000));
        history.recordSignal(signal("a", T0 + i * 5000));
        history.recordPlan(plan("a", T0 + i * 5000));
        history.recordEvents(hiresEvents("a", T0 + i * 5000, [1, 8]));
      }
    };
    hour(0);
    const full = history.sizes();
    expect(full).toMatchObject({ approachSamples: 2 * 50, signals: 40, plans: 10, events: 30 });
    const textBytes = (40 * JSON.stringify(signal("a", T0)).length + 10 * JSON.stringify(plan("a", T0)).length + 30 * 60) * 2;
    // Each text ring's index: three float64s and a hash per slot.
    const indexBytes = (40 + 10 + 30) * (3 * 8 + 4);
    expect(full.bytes).toBeGreaterThanOrEqual(2 * 50 * 80 + indexBytes);
    expect(full.bytes).toBeLessThanOrEqual(2 * 50 * 80 + indexBytes + textBytes);
    hour(200);
    expect(history.sizes().bytes).toBeLessThanOrEqual(full.bytes * 1.1);
    expect(history.signals("a").at(-1)?.ts).toBe(T0 + 399 * 5000);
  });
});

describe("historyBoundsFor", () => {
  it("keeps the full defaults for a small city and shrinks per-intersection bounds within the whole-hub budget for a big one", () => {
    const defaults = MemoryHistoryOptions.parse({});
    expect(historyBoundsFor(5)).toEqual(defaults);
    const big = historyBoundsFor(5000);
    expect(big.measuresPerApproach).toBe(75);
    expect(big.signalsPerIntersection).toBe(100);
    expect(big.plansPerIntersection).toBe(20);
    expect(big.maxIntersections).toBeGreaterThanOrEqual(5000);
    // Every intersection stays known, each with a shorter memory: about 0.5 M objects per kind at most.
    expect(big.signalsPerIntersection * 5000).toBeLessThanOrEqual(500_000);
    expect(big.measuresPerApproach * 4 * 5000).toBeLessThanOrEqual(1_500_000);
    expect(historyBoundsFor(1_000_000).signalsPerIntersection).toBe(10); // never below a floor
    expect(() => MemoryHistoryOptions.parse(historyBoundsFor(1_000_000))).not.toThrow();
  });
});
