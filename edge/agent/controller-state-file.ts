import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { PersistedState } from "./controller/index.js";

/** What `controller.json` held at start-up. The snapshot is only JSON here; the controller validates it. */
export type StoredControllerState =
  | { kind: "absent" }
  | { kind: "found"; snapshot: unknown }
  | { kind: "unreadable"; error: string };

export function readControllerState(path: string): StoredControllerState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return { kind: "absent" };
    return { kind: "unreadable", error: err instanceof Error ? err.message : String(err) };
  }
  try {
    return { kind: "found", snapshot: JSON.parse(text) as unknown };
  } catch (err) {
    return { kind: "unreadable", error: `${path}: not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}

/**
 * Write the state so that a power cut leaves either the old file or the new one, never half of
 * either: write a temporary file, flush it to the disk, then rename it over the old one. Synchronous
 * on purpose: the state is tiny, changes rarely, and a latched fault must be on disk before the
 * next tick can be interrupted by a crash.
 */
export function writeControllerState(path: string, snapshot: PersistedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, `${JSON.stringify(snapshot, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === code;
}

/** Move an unusable state file aside (kept for whoever investigates) so it is not read again; returns where it went. */
export function setAsideControllerState(path: string, nowMs: number): string | null {
  const aside = `${path}.unreadable-${nowMs}`;
  try {
    renameSync(path, aside);
    return aside;
  } catch {
    return null;
  }
}
