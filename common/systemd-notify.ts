import { execFile } from "node:child_process";

/**
 * systemd's notify protocol (`Type=notify`, `WatchdogSec=`) without a native module: Node cannot
 * send on the unix datagram socket in NOTIFY_SOCKET, so the messages go through `systemd-notify`
 * (package systemd), which the unit must accept from a child (`NotifyAccess=all`). Outside systemd
 * (no NOTIFY_SOCKET) everything here does nothing.
 *
 * The watchdog ping comes from a timer on the event loop, every third of WatchdogSec, so a process
 * whose loop is stuck misses pings and is restarted; a single lost ping (systemd-notify may exit
 * before systemd reads its message) does not.
 */
export interface SystemdNotifier {
  /** Tell systemd the service is up (READY=1). */
  ready(status?: string): void;
  /** Tell systemd the service is stopping, and stop the watchdog. */
  stopping(): void;
}

export interface SystemdEnv {
  NOTIFY_SOCKET?: string | undefined;
  WATCHDOG_USEC?: string | undefined;
  WATCHDOG_PID?: string | undefined;
}

/** How often to ping, or null without a watchdog (pure: the environment in, a period out). */
export function watchdogPeriodMs(env: SystemdEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.NOTIFY_SOCKET || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(500, Math.floor(usec / 3000));
}

export function systemdNotifier(
  env: SystemdEnv = process.env,
  send: (args: string[]) => void = (args) => execFile("systemd-notify", args, () => undefined),
): SystemdNotifier {
  if (!env.NOTIFY_SOCKET) return { ready: () => undefined, stopping: () => undefined };
  const pid = String(process.pid);
  const periodMs = watchdogPeriodMs(env, process.pid);
  const timer = periodMs === null ? null : setInterval(() => send([`--pid=${pid}`, "WATCHDOG=1"]), periodMs);
  timer?.unref();
  return {
    ready: (status) => send([`--pid=${pid}`, "--ready", ...(status ? [`--status=${status.slice(0, 200)}`] : [])]),
    stopping: () => {
      if (timer) clearInterval(timer);
      send([`--pid=${pid}`, "STOPPING=1"]);
    },
  };
}
