import { createHash } from "node:crypto";
import { CONTROLLER_CONFIG_VERSION, type ControllerTiming } from "./schemas.js";

/** JSON with every object's keys sorted, so equal content always gives equal text (and hash). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The content hash of a `…/config` message: SHA-256 (hex) of the canonical JSON of `{ version, controller }`. */
export function controllerConfigHash(controller: ControllerTiming): string {
  return createHash("sha256").update(canonicalJson({ version: CONTROLLER_CONFIG_VERSION, controller })).digest("hex");
}
