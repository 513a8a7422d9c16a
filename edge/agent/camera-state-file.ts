import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatIssues } from "../../protocol/index.js";
import { CameraConfig } from "../inference/index.js";

/**
 * The camera configuration an admin saved from the dashboard (`stateDir/camera.json`). It wins
 * over the YAML's at start, so an edit survives restarts; the YAML stays the source for a fresh
 * install (delete the file to go back to it).
 */
export type SavedCamera = { kind: "absent" } | { kind: "found"; camera: CameraConfig } | { kind: "unusable"; error: string };

export function readSavedCamera(path: string): SavedCamera {
  if (!existsSync(path)) return { kind: "absent" };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    return { kind: "unusable", error: `${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = CameraConfig.safeParse(value);
  if (!parsed.success) return { kind: "unusable", error: `${path}: ${formatIssues("camera", parsed.error)}` };
  return { kind: "found", camera: parsed.data };
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a file. */
export function writeSavedCamera(path: string, camera: CameraConfig): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(camera, null, 2)}\n`);
  renameSync(tmp, path);
}
