import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import { pino, type Logger } from "pino";
import { decodeMessage, disableNagle, encodeMessage, type DecodeResult, type PayloadByKind } from "../../protocol/index.js";
import type { LocalBrokerClient } from "../broker/index.js";
import { ThrottledLog } from "../ingest/throttled-log.js";
import type { LinkConfig } from "./config.js";

export type MessageHandler = (topic: string, payload: Buffer) => void;
/** A message decoded and validated with the protocol's `decodeMessage` (a reject carries its reason). */
export type DecodedMessageHandler = (topic: string, message: DecodeResult) => void;

/** What the hub sends to the edge. */
export type HubToEdgeKind = "plan" | "command";

/**
 * The hub's one connection to its broker: in process to the embedded one, or over MQTT to an
 * external one. Ingest subscribes through it; planning and commands publish through it.
 */
export interface BrokerConnection {
  /** Whether the MQTT connection is up right now (mqtt.js reconnects on its own); always true in process. */
  readonly connected: boolean;
  /** Subscribe at QoS 1 (retained messages first); throws naming every filter the broker refused. Returns a function that stops delivery. */
  subscribe(filters: string[], handle: MessageHandler): Promise<() => void>;
  /**
   * As `subscribe`, each message decoded and validated by `decodeMessage`: in the broker's own
   * thread with the threaded embedded broker, here otherwise.
   */
  subscribeDecoded(filters: string[], handle: DecodedMessageHandler): Promise<() => void>;
  /** Validate and publish on `…/plan` (QoS 1, retained) or `…/command` (QoS 1); resolves once the broker has it. */
  publish<K extends HubToEdgeKind>(region: string, kind: K, payload: PayloadByKind[K]): Promise<void>;
  stop(): Promise<void>;
}

interface Transport {
  readonly connected: boolean;
  subscribe(filters: string[], handle: MessageHandler): Promise<() => void>;
  /** Where the transport can decode elsewhere (the broker's thread); otherwise decoded here. */
  subscribeDecoded?(filters: string[], handle: DecodedMessageHandler): Promise<() => void>;
  send(message: { topic: string; body: string }, retain: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Connect to a broker as the hub. With `local` (the embedded broker's in-process side) there is
 * no socket, encoding or ack round trip. Over MQTT it resolves once connected; rejects (and gives
 * up) if the broker refuses the login or does not answer within `connectTimeoutMs`. Afterwards
 * mqtt.js reconnects and resubscribes on its own.
 */
export async function connectBroker(config: LinkConfig, options: { local?: LocalBrokerClient; logger?: Logger; now?: () => number } = {}): Promise<BrokerConnection> {
  const log = options.logger ?? pino({ level: "silent" });
  const transport = options.local ? localTransport(options.local) : await mqttTransport(config, log, new ThrottledLog(log, config.warnIntervalMs, options.now ?? Date.now));
  return {
    get connected() {
      return transport.connected;
    },
    subscribe: (filters, handle) => transport.subscribe(filters, handle),
    subscribeDecoded: (filters, handle) =>
      transport.subscribeDecoded ? transport.subscribeDecoded(filters, handle) : transport.subscribe(filters, (topic, payload) => handle(topic, decodeMessage(topic, payload))),
    publish: async (region, kind, payload) => transport.send(encodeMessage(region, kind, payload), kind === "plan"),
    stop: () => transport.stop(),
  };
}

function localTransport(local: LocalBrokerClient): Transport {
  let stopped = false;
  const subscriptions = new Set<() => void>();
  async function subscribeEach(filters: string[], subscribeOne: (filter: string) => Promise<() => void>): Promise<() => void> {
    const unsubscribes = await Promise.all(filters.map(subscribeOne));
    const unsubscribe = (): void => {
      subscriptions.delete(unsubscribe);
      for (const u of unsubscribes) u();
    };
    subscriptions.add(unsubscribe);
    return unsubscribe;
  }
  return {
    get connected() {
      return !stopped && local.running;
    },
    subscribe: (filters, handle) => subscribeEach(filters, (filter) => local.subscribe(filter, handle)),
    subscribeDecoded: (filters, handle) => subscribeEach(filters, (filter) => local.subscribeDecoded(filter, handle)),
    async send(message, retain) {
      if (stopped) throw new Error(`broker link stopped: ${message.topic} not sent`);
      await local.publish(message.topic, message.body, { retain });
    },
    async stop() {
      stopped = true;
      for (const unsubscribe of [...subscriptions]) unsubscribe();
    },
  };
}

async function mqttTransport(config: LinkConfig, log: Logger, throttled: ThrottledLog): Promise<Transport> {
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
  try {
    await firstConnect(client, config);
    disableNagle(client); // and again on every reconnect, below
  } catch (err) {
    await client.endAsync(true);
    throw err;
  }

  let wasOffline = false;
  client.on("offline", () => {
    if (!wasOffline) log.warn({ url: config.url }, "hub lost the broker; reconnecting");
    wasOffline = true;
  });
  client.on("connect", () => {
    disableNagle(client);
    if (wasOffline) log.info({ url: config.url }, "hub reconnected to the broker");
    wasOffline = false;
  });
  client.on("error", (err) => throttled.warn("mqtt", { url: config.url, err: err.message }, "hub MQTT error"));

  let stopping: Promise<void> | null = null;
  return {
    get connected() {
      return client.connected;
    },
    async subscribe(filters, handle) {
      client.on("message", handle);
      await subscribeAll(client, filters, config.url);
      return () => void client.off("message", handle);
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

function firstConnect(client: MqttClient, config: LinkConfig): Promise<void> {
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
