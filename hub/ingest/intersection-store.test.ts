import { describe, expect, it } from "vitest";
import { IntersectionStore } from "./intersection-store.js";
import { events, measures, plan, signal, status } from "../../tests/support/payloads.js";

describe("IntersectionStore", () => {
  it("keeps the newest measures and signal per intersection, and when it last heard from each", () => {
    const store = new IntersectionStore();
    store.applyMeasures("north", measures("i-1", 1), 1000);
    store.applyMeasures("north", measures("i-1", 2), 2000);
    store.applySignal("north", signal("i-2", 7), 2500);
    const one = store.get("i-1")!;
    expect(one.measures?.seq).toBe(2);
    expect(one.lastSeenMs).toBe(2000);
    expect(one.messages).toEqual({ measures: 2, signal: 0, events: 0, status: 0 });
    expect(store.get("i-2")).toMatchObject({ region: "north", signal: { seq: 7 }, measures: null, online: null });
    expect(store.size).toBe(2);
    expect(store.list().map((s) => s.intersectionId).sort()).toEqual(["i-1", "i-2"]);
  });

  it("does not let a late arrival replace newer measures, but still counts it", () => {
    const store = new IntersectionStore();
    store.applyMeasures("north", measures("i-1", 5), 1000);
    store.applyMeasures("north", measures("i-1", 4), 1100);
    expect(store.get("i-1")!.measures?.seq).toBe(5);
    expect(store.get("i-1")!.messages.measures).toBe(2);
  });

  it("flips online and offline in arrival order, even when the will carries an older seq", () => {
    const store = new IntersectionStore();
    store.applyStatus("north", status("i-1", 10, true), 1000);
    expect(store.get("i-1")!.online).toBe(true);
    store.applyStatus("north", status("i-1", 3, false), 2000); // the will registered at connect
    expect(store.get("i-1")!.online).toBe(false);
  });

  it("keeps only the most recent controller events, oldest first", () => {
    const store = new IntersectionStore({ recentEventsLimit: 3 });
    store.applyEvents("north", events("i-1", 1, [1, 8]), 1000);
    store.applyEvents("north", events("i-1", 2, [9, 10, 11]), 2000);
    expect(store.get("i-1")!.recentEvents.map((e) => (e.type === "hires" ? e.code : -1))).toEqual([9, 10, 11]);
  });

  it("records the newest plan without marking the intersection as heard from", () => {
    const store = new IntersectionStore();
    store.applyPlan("north", plan("i-1", 2));
    store.applyPlan("north", plan("i-1", 1));
    expect(store.get("i-1")).toMatchObject({ plan: { planId: "plan-2" }, lastSeenMs: null });
  });
});
