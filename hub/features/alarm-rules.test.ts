import { describe, expect, it } from "vitest";
import { events, signal, status } from "../../tests/support/payloads.js";
import { eventAlarms, signalAlarms, statusAlarms } from "./alarm-rules.js";

describe("alarm rules", () => {
  it("raises fallback while the controller runs its local plan, and clears a conflict flash once it leaves flash", () => {
    expect(signalAlarms({ ...signal("i-1", 1), mode: "fallback" })).toEqual([
      { op: "set", type: "fallback", on: true, message: "running its local fallback plan (no valid hub plan)" },
      { op: "clear", type: "conflict-flash" },
    ]);
    expect(signalAlarms({ ...signal("i-1", 2), mode: "flash" })).toEqual([{ op: "set", type: "fallback", on: false, message: expect.any(String) }]);
  });

  it("follows the agent's online state, and its camera only while it is online", () => {
    expect(statusAlarms(status("i-1", 1, false))).toEqual([{ op: "set", type: "offline", on: true, message: "agent offline (last will or clean shutdown)" }]);
    const withCamera = { ...status("i-1", 2, true), camera: { ok: false, message: "no frames for 10 s" } };
    expect(statusAlarms(withCamera)).toEqual([
      { op: "set", type: "offline", on: false, message: expect.any(String) },
      { op: "set", type: "camera", on: true, message: "camera: no frames for 10 s" },
    ]);
    expect(statusAlarms({ ...withCamera, online: false })).toHaveLength(1);
  });

  it("turns the edge's alarm events into raises, clears and occurrences in order, ignoring acks, hi-res events and outbox drops", () => {
    const e = events("i-1", 1, [81]);
    const ts = e.ts;
    e.events.push(
      { type: "ack", ts, commandId: "c-1", result: "accepted" },
      { type: "alarm", ts, alarm: "conflict-flash", message: "conflicting greens sg2/sg4" },
      { type: "alarm", ts, alarm: "outbox-drop", message: "dropped 3" },
      { type: "alarm", ts, alarm: "plan-rejected", message: "split below min green", planId: "p-9" },
      { type: "alarm", ts, alarm: "fault-cleared", message: "cleared" },
      { type: "alarm", ts, alarm: "camera", message: "lens covered" },
    );
    expect(eventAlarms(e)).toEqual([
      { op: "raise", type: "conflict-flash", message: "conflicting greens sg2/sg4" },
      { op: "occurrence", type: "plan-rejected", message: "edge rejected plan p-9: split below min green" },
      { op: "clear", type: "conflict-flash" },
      { op: "raise", type: "camera", message: "lens covered" },
    ]);
    expect(eventAlarms(events("i-1", 2, [1, 8]))).toEqual([]);
  });
});
