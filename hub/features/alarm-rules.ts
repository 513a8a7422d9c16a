import type { Events, Signal, Status } from "../../protocol/index.js";
import type { AlarmType } from "../services/alarm-board.js";

/** What a message does to an intersection's alarms, applied to the board in order. */
export type AlarmChange =
  /** A condition that is true or false as of this message (raised or cleared). */
  | { op: "set"; type: AlarmType; on: boolean; message: string }
  | { op: "raise"; type: AlarmType; message: string }
  | { op: "clear"; type: AlarmType }
  /** A one-off (a rejected plan): folded into the open record as one more occurrence. */
  | { op: "occurrence"; type: AlarmType; message: string };

const NONE: readonly AlarmChange[] = [];

/** A signal state: fallback is a condition; any mode but flash clears a conflict flash. */
export function signalAlarms(signal: Signal): readonly AlarmChange[] {
  const fallback: AlarmChange = { op: "set", type: "fallback", on: signal.mode === "fallback", message: "running its local fallback plan (no valid hub plan)" };
  return signal.mode === "flash" ? [fallback] : [fallback, { op: "clear", type: "conflict-flash" }];
}

/** A status: offline is a condition; the camera's health too, while the agent is online. */
export function statusAlarms(status: Status): readonly AlarmChange[] {
  const offline: AlarmChange = { op: "set", type: "offline", on: !status.online, message: "agent offline (last will or clean shutdown)" };
  if (!status.online || !status.camera) return [offline];
  return [offline, { op: "set", type: "camera", on: !status.camera.ok, message: `camera: ${status.camera.message ?? "failing"}` }];
}

/** Controller events: the alarms the edge reports (acks are the commands' business). */
export function eventAlarms(events: Events): readonly AlarmChange[] {
  let out: AlarmChange[] | null = null;
  for (const event of events.events) {
    if (event.type !== "alarm") continue;
    let change: AlarmChange | null = null;
    if (event.alarm === "conflict-flash") change = { op: "raise", type: "conflict-flash", message: event.message };
    else if (event.alarm === "fault-cleared") change = { op: "clear", type: "conflict-flash" };
    else if (event.alarm === "plan-rejected") change = { op: "occurrence", type: "plan-rejected", message: `edge rejected plan ${event.planId ?? ""}: ${event.message}` };
    else if (event.alarm === "camera") change = { op: "raise", type: "camera", message: event.message };
    if (change !== null) (out ??= []).push(change);
  }
  return out ?? NONE;
}
