import { createHash } from "node:crypto";
import { parseVirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";

/** JSON with object keys sorted at every level, so equal specs serialise to equal strings. */
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

/** sha256 hex of the parsed spec (defaults filled in), so `{}` defaults and explicit defaults hash alike. */
export function specHash(spec: VirtualLoopSpecInput): string {
  return createHash("sha256").update(canonicalJson(parseVirtualLoopSpec(spec))).digest("hex");
}
