import { z } from "zod";
import { Id } from "../../../protocol/index.js";
import { issueLines } from "../request-validation.js";

/** What a live client may send. */
export const LiveClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resync") }),
  z.object({ type: z.literal("subscribe"), intersectionId: Id.nullable() }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

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
