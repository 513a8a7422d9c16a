import { LiveClientMessage } from "../contract.js";
import { issueLines } from "../request-validation.js";

export { LiveClientMessage } from "../contract.js";

export function parseClientMessage(text: string): { ok: true; value: LiveClientMessage } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "message: expected JSON text" };
  }
  const result = LiveClientMessage.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: issueLines("message", result.error).join("; ") };
}
