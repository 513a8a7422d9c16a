import { controllerConfigHash } from "./config-hash.js";
import { PAYLOAD_SCHEMAS, MAX_PAYLOAD_BYTES, type PayloadByKind } from "./schemas.js";
import { parseTopic, topicFor, type TopicKind } from "./topics.js";
import { formatIssues } from "./validation.js";

export const REJECT_REASONS = ["bad_topic", "too_large", "bad_json", "invalid", "id_mismatch"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type DecodedMessage = {
  [K in TopicKind]: { ok: true; kind: K; region: string; intersectionId: string; payload: PayloadByKind[K] };
}[TopicKind];

export type DecodeResult = DecodedMessage | { ok: false; reason: RejectReason; error: string };

/**
 * Validate one MQTT message: topic shape, size, JSON, the kind's schema, and that the payload's
 * `intersectionId` is the one in the topic (a device may not speak for another).
 */
export function decodeMessage(topic: string, raw: Uint8Array | string): DecodeResult {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return { ok: false, reason: "bad_topic", error: parsed.error };
  const { kind, region, intersectionId } = parsed.address;
  const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, reason: "too_large", error: `${kind}: payload is ${size} bytes, limit ${MAX_PAYLOAD_BYTES}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8"));
  } catch (err) {
    return { ok: false, reason: "bad_json", error: `${kind}: not JSON (${(err as Error).message})` };
  }
  const result = PAYLOAD_SCHEMAS[kind].safeParse(json);
  if (!result.success) return { ok: false, reason: "invalid", error: formatIssues(kind, result.error) };
  const payload = result.data as PayloadByKind[typeof kind];
  if (payload.intersectionId !== intersectionId) {
    return {
      ok: false,
      reason: "id_mismatch",
      error: `${kind}.intersectionId: ${JSON.stringify(payload.intersectionId)} does not match topic's ${JSON.stringify(intersectionId)}`,
    };
  }
  if (kind === "config") {
    const config = payload as PayloadByKind["config"];
    const hash = controllerConfigHash(config.controller);
    if (hash !== config.hash) return { ok: false, reason: "invalid", error: `config.hash: ${config.hash} does not match the content's ${hash}` };
  }
  return { ok: true, kind, region, intersectionId, payload } as DecodedMessage;
}

/** Validate then serialise; throws on a payload we must never send. */
export function encodeMessage<K extends TopicKind>(
  region: string,
  kind: K,
  payload: PayloadByKind[K],
): { topic: string; body: string } {
  const result = PAYLOAD_SCHEMAS[kind].safeParse(payload);
  if (!result.success) throw new Error(`refusing to send invalid ${formatIssues(kind, result.error)}`);
  const body = JSON.stringify(payload);
  if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES) {
    throw new Error(`refusing to send ${kind}: ${Buffer.byteLength(body)} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  }
  return { topic: topicFor(region, payload.intersectionId, kind), body };
}
