import { createHash } from "node:crypto";
import { canonicalJson } from "../../../protocol/config-hash.js";
import { parseVirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";

/** sha256 hex of the parsed spec (defaults filled in), so `{}` defaults and explicit defaults hash alike. */
export function specHash(spec: VirtualLoopSpecInput): string {
  return createHash("sha256").update(canonicalJson(parseVirtualLoopSpec(spec))).digest("hex");
}
