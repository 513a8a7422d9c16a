import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import { pino, type Logger } from "pino";
import type { LocalBrokerClient } from "../broker/index.js";
import { disableNagle, encodeMessage, topicFilter, type Command, type PayloadByKind, type Plan, type TopicKind } from "../../protocol/index.js";
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
  /**
   * The embedded broker's in-process side: when given, ingest subscribes and publishes through it
   * instead of over a socket (`url` and the login are then unused).
   */
  local?: LocalBrokerClient;
  /** The region the hub's configuration puts an intersection in; messages from another region are rejected. */
  configuredRegion?: (intersectionId: string) => string | undefined;
  /** A device's clock went implausible against the hub's (`skewed`), or right again: once per change. */
  onClockSkew?: (intersectionId: string, region: string, skewed: boolean, message: string) => void;
  /** The approach ids the configuration gives an intersection; measures naming others are rejected. */
  configuredApproaches?: (intersectionId: string) => ReadonlySet<string> | undefined;
}

export interface Ingest {
  readonly store: IntersectionStore;
  readonly config: IngestConfig;
  /** Whether the MQTT connection is up right now (mqtt.js reconnects on its own); always true in process. */
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
  /** Validate and publish a plan on `…/plan`, QoS 1, retained; resolves once the broker has it. */
  publishPlan(region: string, plan: Plan): Promise<void>;
  /** Validate and publish a command on `…/command`, QoS 1; resolves once the broker has it. */
  publishCommand(region: string, command: Command): Promise<void>;
  stats(): IngestStats & { connected: boolean };
  stop(): Promise<void>;
}

/** The subscription filters for `regions` (QoS 1 each). */
export function ingestFilters(regions: readonly string[], followPlans: boolean): string[] {
  const kinds: TopicKind[] = followPlans ? [...EDGE_KINDS, "snapshot", "config", "plan"] : [...EDGE_KINDS, "snapshot", "config"];
  return regions.flatMap((region) => kinds.map((kind) => topicFilter(region, "+", kind)));
}

/**
 * Connect to a broker (the embedded one or an external one) as the hub, subscribe to the edge
 * topics of `regions`, and feed every message through the ingest pipeline. Resolves once
 * connected and subscribed; rejects (and gives up) if the broker refuses the login or a
 * subscription, or does not answer within `connectTimeoutMs`. Afterwards mqtt.js reconnects and
 * resubscribes on its own.
 */
export async function startIngest(input: IngestConfigInput, options: IngestOptions = {}): Promise<Ingest> {
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

  // In process, the hub publishes every plan itself and puts it in the store directly: following
  // the plan topics would only decode its own plans again.
  const filters = ingestFilters(config.regions, config.followPlans && options.local === undefined);
  const handle = (topic: string, payload: Buffer): void => pipeline.handle(topic, payload);
  const transport = options.local ? await localTransport(options.local, filters, handle) : await mqttTransport(config, filters, handle, log, throttled);
  log.info({ url: options.local ? "in-process" : config.url, regions: config.regions, filters: filters.length }, "ingest subscribed");

  return {
    store: pipeline.store,
    config,
    get connected() {
      return transport.connected;
    },
    on: (kind, listener) => pipeline.on(kind, listener),
    onMeasures: (listener) => pipeline.on("measures", listener),
    onSignal: (listener) => pipeline.on("signal", listener),
    onEvents: (listener) => pipeline.on("events", listener),
    onStatus: (listener) => pipeline.on("status", listener),
    onSnapshot: (listener) => pipeline.onSnapshot(listener),
    onControllerConfig: (listener) => pipeline.onControllerConfig(listener),
    async publishPlan(region, plan) {
      await transport.send(encodeMessage(region, "plan", plan), true);
      pipeline.store.applyPlan(region, plan);
    },
    async publishCommand(region, command) {
      await transport.send(encodeMessage(region, "command", command), false);
    },
    stats: () => ({ ...pipeline.stats(), connected: transport.connected }),
    stop: () => transport.stop(),
  };
}

/** How ingest reaches the broker: over MQTT, or in process to the embedded one. */
interface Transport {
  readonly connected: boolean;
  send(message: { topic: string; body: string }, retain: boolean): Promise<void>;
  stop(): Promise<void>;
}

async function localTransport(local: LocalBrokerClient, filters: string[], handle: (topic: string, payload: Buffer) => void): Promise<Transport> {
  const unsubscribes = await Promise.all(filters.map((filter) => local.subscribe(filter, handle)));
  let stopped = false;
  return {
    get connected() {
      return !stopped;
    },
    async send(message, retain) {
      if (stopped) throw new Error(`ingest stopped: ${message.topic} not sent`);
      await local.publish(message.topic, message.body, { retain });
    },
    async stop() {
      stopped = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}

async function mqttTransport(
  config: IngestConfig,
  filters: string[],
  handle: (topic: string, payload: Buffer) => void,
  log: Logger,
  throttled: ThrottledLog,
): Promise<Transport> {
  const client: MqttClient = mqtt.connect(config.url, {
    protocolVersion: 4,
    clientId: config.clientId ?? `hub-ingest-${randomBytes(6).toString("hex")}`,
    username: config.username,
    password: config.password,
    clean: true,
    keepalive: config.keepaliveS,
    connectTimeout: config.connectTimeoutMs,
    reconnectPeriod: config.reconnectPeriodMs,
  });
  client.on("message", handle);
  try {
    await firstConnect(client, config);
    disableNagle(client); // and again on every reconnect, below
    await subscribeAll(client, filters, config.url);
  } catch (err) {
    await client.endAsync(true);
    throw err;
  }

  let wasOffline = false;
  client.on("offline", () => {
    if (!wasOffline) log.warn({ url: config.url }, "ingest lost the broker; reconnecting");
    wasOffline = true;
  });
  client.on("connect", () => {
    disableNagle(client);
    if (wasOffline) log.info({ url: config.url }, "ingest reconnected");
    wasOffline = false;
  });
  client.on("error", (err) => throttled.warn("mqtt", { url: config.url, err: err.message }, "ingest MQTT error"));

  let stopping: Promise<void> | null = null;
  return {
    get connected() {
      return client.connected;
    },
    async send(message, retain) {
      // mqtt.js would queue it in memory, unbounded, until a reconnect: a caller is better told now.
      if (!client.connected) throw new Error(`not connected to ${config.url}: ${message.topic} not sent`);
      await client.publishAsync(message.topic, message.body, { qos: 1, retain });
    },
    stop() {
      stopping ??= client.endAsync();
      return stopping;
    },
  };
}

function firstConnect(client: MqttClient, config: IngestConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from ${config.url} within ${config.connectTimeoutMs} ms`)), config.connectTimeoutMs);
    const onConnect = (): void => finish(null);
    const onError = (err: Error & { code?: unknown }): void => {
      // CONNACK 4 (bad username or password) and 5 (not authorized) will not fix themselves.
      if (err.code === 4 || err.code === 5) finish(new Error(`broker ${config.url} refused the login as ${config.username ?? "(anonymous)"}: ${err.message}`));
    };
    function finish(err: Error | null): void {
      clearTimeout(timer);
      client.off("connect", onConnect);
      client.off("error", onError);
      if (err) reject(err);
      else resolve();
    }
    client.on("connect", onConnect);
    client.on("error", onError);
  });
}

/** Subscribe at QoS 1; throws naming every filter the broker refused (its ACL, say). */
async function subscribeAll(client: MqttClient, filters: string[], url: string): Promise<void> {
  let codes: unknown[];
  try {
    codes = (await client.subscribeAsync(filters, { qos: 1 })).map((grant) => grant.qos);
  } catch (err) {
    // mqtt.js rejects when any code is a failure; the SUBACK says which.
    const granted = (err as { packet?: { granted?: unknown } }).packet?.granted;
    if (!Array.isArray(granted)) throw err;
    codes = granted;
  }
  const refused = filters.filter((_, i) => codes[i] === 128);
  if (refused.length > 0) throw new Error(`broker ${url} refused the subscription(s) ${refused.join(", ")}`);
}
