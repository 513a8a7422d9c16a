import { describe, expect, it } from "vitest";
import type { AlarmRecord, TrackedCommand } from "../net/contract.js";
import { LiveStore } from "./live-store.js";
import { summary } from "./test-summaries.js";

function alarm(id: string, fields: Partial<AlarmRecord> = {}): AlarmRecord {
  return { id, type: "offline", intersectionId: "a", message: "m", raisedAtMs: 1, lastSeenMs: 1, count: 1, active: true, clearedAtMs: null, acknowledgedBy: null, acknowledgedAtMs: null, ...fields };
}

function command(id: string, state: TrackedCommand["state"], updatedAtMs: number): TrackedCommand {
  return { commandId: id, intersectionId: "a", action: { action: "flash" }, issuedBy: "operator:ana", sentAtMs: 10, state, updatedAtMs };
}

describe("LiveStore", () => {
  it("takes a snapshot as the whole truth, forgetting intersections it does not list", () => {
    const store = new LiveStore();
    store.apply({ type: "snapshot", intersections: [summary("a"), summary("b")], alarms: [alarm("1")] });
    store.apply({ type: "snapshot", intersections: [summary("b")], alarms: [] });
    expect([...store.intersections.keys()]).toEqual(["b"]);
    expect(store.alarms.size).toBe(0);
  });

  it("merges updates and keeps the list sorted by name as intersections appear", () => {
    const store = new LiveStore();
    store.apply({ type: "snapshot", intersections: [summary("b", { name: "Beta" })], alarms: [] });
    store.apply({ type: "update", intersections: [summary("a", { name: "Alpha" }), summary("b", { name: "Beta", mode: "flash" })] });
    expect(store.sorted()).toEqual(["a", "b"]);
    expect(store.intersections.get("b")!.mode).toBe("flash");
    expect(store.filtered({ mode: "flash", search: "" }).map((x) => x.intersectionId)).toEqual(["b"]);
  });

  it("bumps its version and tells listeners on every change", () => {
    const store = new LiveStore();
    let heard = 0;
    store.subscribe(() => heard++);
    const before = store.version;
    store.apply({ type: "update", intersections: [summary("a")] });
    store.apply({ type: "update", intersections: [summary("a", { mode: "manual" })] });
    expect(store.version).toBe(before + 2);
    expect(heard).toBe(2);
  });

  it("lists open alarms newest first: active, or cleared but not yet acknowledged", () => {
    const store = new LiveStore();
    store.apply({
      type: "snapshot",
      intersections: [],
      alarms: [alarm("old", { raisedAtMs: 1 }), alarm("new", { raisedAtMs: 5, active: false, clearedAtMs: 6 }), alarm("done", { active: false, acknowledgedBy: "ana" })],
    });
    expect(store.openAlarms().map((a) => a.id)).toEqual(["new", "old"]);
  });

  it("never moves a command's answer backwards when a slow poll arrives after the live stream", () => {
    const store = new LiveStore();
    store.apply({ type: "update", intersections: [], commands: [command("c1", "accepted", 20)] });
    store.trackCommand(command("c1", "sent", 10));
    expect(store.commands.get("c1")!.state).toBe("accepted");
    store.trackCommand(command("c1", "completed", 30));
    expect(store.commandsOf("a").map((c) => c.state)).toEqual(["completed"]);
  });

  it("learns the role and the hub's clock skew from hello", () => {
    const store = new LiveStore();
    store.apply({ type: "hello", role: "viewer", serverTimeMs: 5_000 }, 3_000);
    expect(store.role).toBe("viewer");
    expect(store.clockSkewMs).toBe(2_000);
  });
});
