import { describe, expect, it } from "vitest";
import { systemdNotifier, watchdogPeriodMs } from "./systemd-notify.js";

describe("systemd notify", () => {
  it("pings at a third of WatchdogSec, only under systemd and for this process", () => {
    expect(watchdogPeriodMs({ NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC: "30000000" }, 42)).toBe(10_000);
    expect(watchdogPeriodMs({ WATCHDOG_USEC: "30000000" }, 42)).toBeNull();
    expect(watchdogPeriodMs({ NOTIFY_SOCKET: "/run/systemd/notify" }, 42)).toBeNull();
    expect(watchdogPeriodMs({ NOTIFY_SOCKET: "/x", WATCHDOG_USEC: "30000000", WATCHDOG_PID: "7" }, 42)).toBeNull();
  });

  it("says ready and stopping through systemd-notify with this pid, and nothing outside systemd", () => {
    const sent: string[][] = [];
    const n = systemdNotifier({ NOTIFY_SOCKET: "/run/systemd/notify" }, (args) => sent.push(args));
    n.ready("running");
    n.stopping();
    expect(sent).toEqual([
      [`--pid=${process.pid}`, "--ready", "--status=running"],
      [`--pid=${process.pid}`, "STOPPING=1"],
    ]);
    const none: string[][] = [];
    systemdNotifier({}, (args) => none.push(args)).ready();
    expect(none).toEqual([]);
  });
});
