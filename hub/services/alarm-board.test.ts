import { describe, expect, it } from "vitest";
import { AlarmBoard, type AlarmRecord } from "./alarm-board.js";

describe("AlarmBoard", () => {
  it("folds repeated occurrences of one kind from one intersection into one record with count and first/last seen", () => {
    const changes: AlarmRecord[] = [];
    const board = new AlarmBoard({ onChange: (a) => changes.push({ ...a }) });
    for (let i = 0; i < 1000; i++) board.occurrence("plan-rejected", "x1", `rejected ${i}`, 1000 + i);
    board.occurrence("plan-rejected", "x2", "other", 5000);
    const x1 = board.list({ intersectionId: "x1" });
    expect(x1).toHaveLength(1);
    expect(x1[0]).toMatchObject({ count: 1000, raisedAtMs: 1000, lastSeenMs: 1999, message: "rejected 999", active: false });
    expect(board.stats().records).toBe(2);
    expect(changes).toHaveLength(1001);
  });

  it("starts a new record once the folded one is acknowledged", () => {
    const board = new AlarmBoard();
    const first = board.occurrence("plan-rejected", "x1", "a", 1);
    board.acknowledge(first.id, "otto", 2);
    const second = board.occurrence("plan-rejected", "x1", "b", 3);
    expect(second.id).not.toBe(first.id);
    expect(second.count).toBe(1);
    expect(board.list()).toHaveLength(1);
    expect(board.list({ all: true })).toHaveLength(1);
  });

  it("folds a condition that clears and comes back before anyone acknowledged it", () => {
    const board = new AlarmBoard();
    board.raise("offline", "x1", "offline", 1);
    board.raise("offline", "x1", "offline", 2); // still active: nothing new
    board.clear("offline", "x1", 3);
    board.raise("offline", "x1", "offline again", 4);
    expect(board.list()).toEqual([expect.objectContaining({ count: 2, active: true, clearedAtMs: null, raisedAtMs: 1, lastSeenMs: 4 })]);
  });

  it("stays within its limit, evicting acknowledged records first, then cleared ones, then the stalest", () => {
    const evicted: string[] = [];
    const board = new AlarmBoard({ limit: 3, onEvict: (a) => evicted.push(a.intersectionId!) });
    board.raise("offline", "active-old", "m", 1);
    const acked = board.raise("offline", "acked", "m", 2);
    board.clear("offline", "acked", 3);
    board.acknowledge(acked.id, "otto", 4);
    board.occurrence("plan-rejected", "cleared", "m", 5);
    board.raise("offline", "new-1", "m", 6);
    expect(evicted).toEqual(["acked"]);
    board.raise("offline", "new-2", "m", 7);
    expect(evicted).toEqual(["acked", "cleared"]);
    board.raise("offline", "new-3", "m", 8);
    expect(evicted).toEqual(["acked", "cleared", "active-old"]);
    expect(board.stats()).toEqual({ records: 3, evicted: 3 });
    // Acknowledging by id still works after evictions.
    const survivor = board.list()[0]!;
    expect(board.acknowledge(survivor.id, "otto", 9)?.acknowledgedBy).toBe("otto");
  });

  it("restores records from an earlier run and keeps numbering ids after them", () => {
    const before = new AlarmBoard();
    const kept = before.occurrence("plan-rejected", "x1", "a", 10);
    const after = new AlarmBoard();
    after.restore(before.list());
    expect(after.list()).toEqual([kept]);
    const next = after.raise("offline", "x2", "m", 10);
    expect(next.id).not.toBe(kept.id);
    expect(after.acknowledge(kept.id, "otto", 11)?.acknowledgedBy).toBe("otto");
  });
});
