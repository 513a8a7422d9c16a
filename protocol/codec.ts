import { controllerConfigHash } from "./config-hash.js";
import { PAYLOAD_SCHEMAS, MAX_PAYLOAD_BYTES, type PayloadByKind } from "./schemas.js";
import { checkJsonShape } from "./json-shape.js";
import { parseTopic, topicFor, TOPIC_KINDS, type TopicKind } from "./topics.js";
import { formatIssues } from "./validation.js";
import { wireBounds, type WireBounds } from "./wire-bounds.js";

/**
 * `too_large`: over the kind's byte bound; `too_deep`, `too_many_items`, `string_too_long`: a
 * shape no message of the kind has (all four found before `JSON.parse`).
 */
export const REJECT_REASONS = ["bad_topic", "too_large", "too_deep", "too_many_items", "string_too_long", "bad_json", "invalid", "id_mismatch"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type DecodedMessage = {
  [K in TopicKind]: { ok: true; kind: K; region: string; intersectionId: string; payload: PayloadByKind[K] };
}[TopicKind];

export type DecodeResult = DecodedMessage | { ok: false; reason: RejectReason; error: string };

/** Each kind's wire bounds, from its schema; bytes never over `MAX_PAYLOAD_BYTES`. */
export const WIRE_BOUNDS = Object.fromEntries(
  TOPIC_KINDS.map((kind) => {
    const bounds = wireBounds(PAYLOAD_SCHEMAS[kind]);
    return [kind, { ...bounds, bytes: Math.min(bounds.bytes, MAX_PAYLOAD_BYTES) }];
  }),
) as Record<TopicKind, WireBounds>;

/**
 * Validate one MQTT message: topic shape, the kind's wire bounds (size, nesting, item count, string
 * lengths: checked before any parsing), JSON, the kind's schema, and that the payload's
 * `intersectionId` is the one in the topic (a device may not speak for another).
 */
export function decodeMessage(topic: string, raw: Uint8Array | string): DecodeResult {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return { ok: false, reason: "bad_topic", error: parsed.error };
  const { kind, region, intersectionId } = parsed.address;
  const bytes = typeof raw === "string" ? Buffer.from(raw) : raw;
  const bounds = WIRE_BOUNDS[kind];
  if (bytes.byteLength > bounds.bytes) {
    return { ok: false, reason: "too_large", error: `${kind}: payload is ${bytes.byteLength} bytes, the most a ${kind} message can take is ${bounds.bytes}` };
  }
  const shape = checkJsonShape(bytes, bounds);
  if (shape !== null) return { ok: false, reason: shape.reason, error: `${kind}: ${shape.error}` };
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
