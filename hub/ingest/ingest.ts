import { pino, type Logger } from "pino";
import { topicFilter, type PayloadByKind, type TopicKind } from "../../protocol/index.js";
import { connectBroker, type BrokerConnection } from "../link/index.js";
import { parseIngestConfig, type IngestConfig, type IngestConfigInput } from "./config.js";
import { IntersectionStore, type EdgeKind } from "./intersection-store.js";
import { EDGE_KINDS, IngestPipeline, type IngestListener, type IngestStats } from "./pipeline.js";
import { ThrottledLog } from "./throttled-log.js";

export interface IngestOptions {
  logger?: Logger;
  /** Share a store with other parts of the hub; default: a new one. */
  store?: IntersectionStore;
  /** The hub's clock: `lastSeenMs`, and what device `ts` is checked against. */
  now?: () => number;
  /** The region the hub's configuration puts an intersection in; messages from another region are rejected. */
  configuredRegion?: (intersectionId: string) => string | undefined;
  /** A device's clock went implausible against the hub's (`skewed`), or right again: once per change. */
  onClockSkew?: (intersectionId: string, region: string, skewed: boolean, message: string) => void;
  /** The approach ids the configuration gives an intersection; measures naming others are rejected. */
  configuredApproaches?: (intersectionId: string) => ReadonlySet<string> | undefined;
}

/** What the hub hears from the edge: validated, deduplicated, in the store, then to listeners. Ingest only listens; planning and commands publish through the broker link. */
export interface Ingest {
  readonly store: IntersectionStore;
  readonly config: IngestConfig;
  /** Whether the broker connection is up right now (mqtt.js reconnects on its own); always true in process. */
  readonly connected: boolean;
  /** Listeners run synchronously on the ingest path and must not block (see IngestListener). */
  on<K extends EdgeKind>(kind: K, listener: IngestListener<K>): () => void;
  onMeasures(listener: IngestListener<"measures">): () => void;
  onSignal(listener: IngestListener<"signal">): () => void;
  onEvents(listener: IngestListener<"events">): () => void;
  onStatus(listener: IngestListener<"status">): () => void;
  onSnapshot(listener: (payload: PayloadByKind["snapshot"], region: string) => void): () => void;
  /** Controller configurations (`…/config`, retained): what each controller runs, so what the hub plans against. */
  onControllerConfig(listener: (payload: PayloadByKind["config"], region: string) => void): () => void;
  stats(): IngestStats & { connected: boolean };
  /** Subscribe to the edge topics of `regions`: messages flow from here on, so add listeners first. */
  start(): Promise<void>;
  /** Stop delivery (and close the connection if `startIngest` opened it). */
  stop(): Promise<void>;
}

/** The subscription filters for `regions` (QoS 1 each). */
export function ingestFilters(regions: readonly string[], followPlans: boolean): string[] {
  const kinds: TopicKind[] = followPlans ? [...EDGE_KINDS, "snapshot", "config", "plan"] : [...EDGE_KINDS, "snapshot", "config"];
  return regions.flatMap((region) => kinds.map((kind) => topicFilter(region, "+", kind)));
}

/**
 * Ingest over an open broker connection, not yet subscribed: add listeners, then `start()`.
 * With the embedded broker the hub publishes every plan itself and puts it in the store directly,
 * so it sets `followPlans: false` rather than decode its own plans again.
 */
export function createIngest(input: IngestConfigInput, connection: BrokerConnection, options: IngestOptions = {}): Ingest {
  const config = parseIngestConfig(input);
  const log = options.logger ?? pino({ level: "silent" });
  const now = options.now ?? Date.now;
  const throttled = new ThrottledLog(log, config.warnIntervalMs, now);
  const pipeline = new IngestPipeline({
    store: options.store ?? new IntersectionStore({ recentEventsLimit: config.recentEventsLimit }),
    seqWindow: config.seqWindow,
    now,
    onReject: (reason, topic, error) => throttled.warn(reason, { reason, topic, error }, "message rejected"),
    onListenerError: (kind, err) => throttled.warn(`listener:${kind}`, { kind, err }, "ingest listener threw"),
    ...(options.configuredRegion ? { configuredRegion: options.configuredRegion } : {}),
    clockSkew: { aheadMs: config.maxClockSkewS * 1000, behindMs: config.maxBacklogS * 1000 },
    ...(options.onClockSkew ? { onClockSkew: options.onClockSkew } : {}),
    ...(options.configuredApproaches ? { configuredApproaches: options.configuredApproaches } : {}),
  });
  let unsubscribe: (() => void) | null = null;
  return {
    store: pipeline.store,
    config,
    get connected() {
      return connection.connected;
    },
    on: (kind, listener) => pipeline.on(kind, listener),
    onMeasures: (listener) => pipeline.on("measures", listener),
    onSignal: (listener) => pipeline.on("signal", listener),
    onEvents: (listener) => pipeline.on("events", listener),
    onStatus: (listener) => pipeline.on("status", listener),
    onSnapshot: (listener) => pipeline.onSnapshot(listener),
    onControllerConfig: (listener) => pipeline.onControllerConfig(listener),
    stats: () => ({ ...pipeline.stats(), connected: connection.connected }),
    async start() {
      const filters = ingestFilters(config.regions, config.followPlans);
      // Decoded where the connection can do it best: in the broker's thread with the threaded embedded broker.
      unsubscribe = await connection.subscribeDecoded(filters, (topic, decoded) => pipeline.accept(topic, decoded));
      log.info({ url: config.url, regions: config.regions, filters: filters.length }, "ingest subscribed");
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}

/**
 * Connect to a broker (the embedded one or an external one) as the hub, subscribe to the edge
 * topics of `regions`, and feed every message through the ingest pipeline. Resolves once
 * connected and subscribed; rejects (and gives up) if the broker refuses the login or a
 * subscription, or does not answer within `connectTimeoutMs`.
 */
export async function startIngest(input: IngestConfigInput, options: IngestOptions = {}): Promise<Ingest & { connection: BrokerConnection }> {
  const config = parseIngestConfig(input);
  const connection = await connectBroker(config, { ...(options.logger ? { logger: options.logger } : {}), ...(options.now ? { now: options.now } : {}) });
  const ingest = createIngest(config, connection, options);
  try {
    await ingest.start();
  } catch (err) {
    await connection.stop();
    throw err;
  }
  return Object.assign(ingest, {
    connection,
    async stop() {
      await connection.stop();
    },
  });
}
