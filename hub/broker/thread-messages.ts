// What the hub's main thread and its broker thread say to each other (hub/broker/threaded-broker.ts
// and broker-thread.ts). Both ends are this program, so these are types, not zod schemas: what
// devices send is validated in the broker thread by the protocol's `decodeMessage`.
import type { DecodedMessage, DecodeResult, TopicKind } from "../../protocol/index.js";
import type { BrokerConfig, BrokerConfigInput } from "./config.js";
import type { BrokerStats } from "./server.js";

/** The broker thread's isolate: V8 heap in use and reserved, and memory outside it its objects hold (buffers), in bytes. */
export interface ThreadHeap {
  usedBytes: number;
  totalBytes: number;
  externalBytes: number;
}

/** Given to the thread at start (`workerData`). */
export interface BrokerThreadData {
  config: BrokerConfigInput;
  /** The hub's log level: records at or above it come back to the hub's logger. */
  logLevel: string;
}

/** Main thread → broker thread. */
export type ToBrokerThread =
  /** Deliver messages matching `filter` as subscription `sub`, decoded in the thread when `decode`. */
  | { t: "subscribe"; sub: number; filter: string; decode: boolean }
  | { t: "unsubscribe"; sub: number }
  /** Publish at QoS 1; answered in `acks` with `id`. */
  | { t: "publish"; id: number; topic: string; payload: string | Uint8Array; retain: boolean }
  /** The main thread has handled batch `n`: its messages may be acknowledged to their publishers. */
  | { t: "handled"; n: number }
  /** Report the thread's heap (answered with `heap` and the same `id`): diagnostics, e.g. bench:hub's memory breakdown. */
  | { t: "heap"; id: number }
  | { t: "stop" };

/**
 * A decoded message as it crosses the port: the validated payload as JSON text, or the reject.
 * Text, because parsing it costs the main thread several times less than rebuilding the payload
 * from a structured clone, or than decoding and validating the raw bytes (docs/experiments/log.md).
 */
export type DecodedWire = { ok: true; kind: TopicKind; region: string; intersectionId: string; json: string } | Extract<DecodeResult, { ok: false }>;

/** One delivered message: a raw payload (with its retained flag) or a decoded one. */
export type Delivery = [sub: number, topic: string, message: Uint8Array | DecodedWire, retained: boolean];

/** Broker thread → main thread. */
export type FromBrokerThread =
  | { t: "ready"; port: number; wsPort: number | null; url: string; wsUrl: string | null; config: BrokerConfig; stats: BrokerStats }
  /** The broker could not start; `validation`: the configuration was refused (the message names the field). */
  | { t: "start-failed"; message: string; validation: boolean }
  /** Every message one turn of the thread's event loop delivered, in order; answer with `handled`. */
  | { t: "batch"; n: number; deliveries: Delivery[] }
  /** Subscription `sub` is active and its retained messages were in the batches before this. */
  | { t: "subscribed"; sub: number }
  | { t: "acks"; ok: number[]; failed: [id: number, message: string][] }
  | { t: "stats"; stats: BrokerStats }
  | { t: "heap"; id: number; heap: ThreadHeap }
  /** One pino record (JSON text) for the hub's logger. */
  | { t: "log"; line: string }
  | { t: "stopped" };

/** In the thread: the validated payload (zod's output: no unknown keys, nothing but JSON values) as text. */
export function toWire(message: DecodeResult): DecodedWire {
  if (!message.ok) return message;
  return { ok: true, kind: message.kind, region: message.region, intersectionId: message.intersectionId, json: JSON.stringify(message.payload) };
}

/** On the main thread: the thread validated it, so parsing its text gives the payload `decodeMessage` returned there. */
export function fromWire(wire: DecodedWire): DecodeResult {
  if (!wire.ok) return wire;
  return { ok: true, kind: wire.kind, region: wire.region, intersectionId: wire.intersectionId, payload: JSON.parse(wire.json) as unknown } as DecodedMessage;
}
