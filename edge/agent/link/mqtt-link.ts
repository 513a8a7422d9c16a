import { readFile } from "node:fs/promises";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { pino, type Logger } from "pino";
import type { z } from "zod";
import {
  disableNagle,
  REJECT_REASONS,
  Status,
  decodeMessage,
  encodeMessage,
  parseOrThrow,
  topicFor,
  ValidationError,
  type Command,
  type ControllerTiming,
  type Events,
  type Measures,
  type PayloadByKind,
  type Plan,
  type RejectReason,
  type Signal,
  type TopicKind,
} from "../../../protocol/index.js";
import { backoffDelayMs } from "../../../common/backoff.js";
import { MqttLinkOptions, type MqttLinkOptionsInput } from "./options.js";
import { Outbox } from "./outbox.js";
import { Sequencer } from "./sequencer.js";

/** What the agent hands over; the link adds `seq` and `intersectionId`. */
export type MeasuresInput = Omit<Measures, "seq" | "intersectionId">;
export type SignalInput = Omit<Signal, "seq" | "intersectionId">;
export type EventsInput = Omit<Events, "seq" | "intersectionId">;

/** Status fields the agent keeps current; the link adds `online`, `ts`, `seq`, `intersectionId`. */
export const StatusFields = Status.omit({ ts: true, seq: true, intersectionId: true, online: true }).partial();
export type StatusFields = z.infer<typeof StatusFields>;

/** Timers are injectable so a test can see every backoff delay without waiting for it. */
export interface LinkTimers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export interface MqttLinkDeps {
  logger?: Logger;
  /** Clock for `ts` of status and alarms (ms since epoch). */
  now?: () => number;
  /** Source of backoff jitter, 0 ≤ x < 1. */
  random?: () => number;
  timers?: LinkTimers;
  /** Handlers in place before the first connection, so the retained plan cannot slip past. */
  onPlan?: Handler<Plan>;
  onCommand?: Handler<Command>;
}

export interface LinkStats {
  connected: boolean;
  /** Messages in the outbox, in flight included. */
  pending: number;
  inFlight: number;
  /** Messages PUBACKed since this link opened. */
  delivered: number;
  /** Messages the outbox dropped to stay within its bounds (kept across restarts). */
  dropped: number;
  /** Incoming messages refused, by reason. */
  rejected: Record<RejectReason, number>;
  connectAttempts: number;
  /** Attempts scheduled after a failed attempt or a lost connection. */
  reconnectAttempts: number;
  /** Delay before the scheduled attempt, or null when none is scheduled. */
  nextRetryDelayMs: number | null;
  lastError: string | null;
}

type Handler<T> = (payload: T) => void;

const defaultTimers: LinkTimers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface InFlight {
  id: number;
  done: boolean;
}

/**
 * The edge agent's MQTT link. Everything it publishes with a `seq` goes through an on-disk outbox
 * and one in-order pump, so nothing produced while the broker is out of reach is lost (up to the
 * outbox's bound) and the backlog drains in order before newer messages.
 *
 * Each connection attempt uses a fresh mqtt.js client with `reconnectPeriod: 0`: the link owns
 * reconnection (exponential backoff with jitter) and mqtt.js never queues anything offline. Sessions
 * are clean: a `command` queued by the broker while the agent was away could be minutes stale
 * (an operator's hold), while the retained `plan` arrives on every subscribe anyway.
 */
export class MqttLink {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: LinkTimers;
  private readonly planTopic: string;
  private readonly commandTopic: string;
  private statusFields: StatusFields;
  /** The controller's timing as published on `…/config` (retained), or null before the agent gives it. */
  private controllerTiming: { controller: ControllerTiming; hash: string } | null = null;
  private client: MqttClient | undefined;
  private connected = false;
  private closing = false;
  private closed: Promise<void> | undefined;
  private retryTimer: unknown;
  private failures = 0;
  private inflight: InFlight[] = [];
  /** Highest outbox id handed to the current client; the pump continues after it. */
  private sentThroughId = -1;
  private counters = { delivered: 0, connectAttempts: 0, reconnectAttempts: 0 };
  private nextRetryDelayMs: number | null = null;
  private lastError: string | null = null;
  private readonly rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  private readonly planHandlers = new Set<Handler<Plan>>();
  private readonly commandHandlers = new Set<Handler<Command>>();
  private unreportedDrops = 0;
  private dropAlarm: { state: "idle" } | { state: "appending" } | { state: "queued"; id: number } = { state: "idle" };

  /** PEM text read from `options.tls` at open. */
  private tlsMaterial: { ca?: string; cert?: string; key?: string } = {};

  private constructor(
    readonly options: MqttLinkOptions,
    private readonly outbox: Outbox,
    private readonly sequencer: Sequencer,
    deps: MqttLinkDeps,
    log: Logger,
  ) {
    this.log = log;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.timers = deps.timers ?? defaultTimers;
    this.planTopic = topicFor(options.region, options.intersectionId, "plan");
    this.commandTopic = topicFor(options.region, options.intersectionId, "command");
    this.statusFields = options.version ? { version: options.version } : {};
    if (deps.onPlan) this.planHandlers.add(deps.onPlan);
    if (deps.onCommand) this.commandHandlers.add(deps.onCommand);
  }

  /** Recover the outbox and seq from `outboxDir`, then start connecting (in the background). */
  static async open(options: MqttLinkOptionsInput, deps: MqttLinkDeps = {}): Promise<MqttLink> {
    const opts = parseOrThrow(MqttLinkOptions, options, "link");
    const log = (deps.logger ?? pino({ level: "silent" })).child({ module: "mqtt-link", intersectionId: opts.intersectionId });
    const tlsMaterial = await readTlsMaterial(opts.tls);
    const sequencer = Sequencer.open(join(opts.outboxDir, "seq.json"), { fsync: opts.outbox.fsync, logger: log, now: deps.now });
    let link: MqttLink | undefined;
    const outbox = await Outbox.open(opts.outboxDir, opts.outbox, {
      logger: log,
      onDrop: (droppedNow) => link?.handleDrop(droppedNow),
    });
    link = new MqttLink(opts, outbox, sequencer, deps, log);
    link.tlsMaterial = tlsMaterial;
    link.connectNow();
    return link;
  }

  /** Call `handler` with every valid plan for this intersection; returns a function that stops it. */
  onPlan(handler: Handler<Plan>): () => void {
    this.planHandlers.add(handler);
    return () => this.planHandlers.delete(handler);
  }

  /** Call `handler` with every valid command for this intersection; returns a function that stops it. */
  onCommand(handler: Handler<Command>): () => void {
    this.commandHandlers.add(handler);
    return () => this.commandHandlers.delete(handler);
  }

  /** Merge `fields` into the status and, when connected, publish it (retained). Throws on a bad field. */
  setStatus(fields: StatusFields): void {
    const valid = parseOrThrow(StatusFields, fields, "status");
    this.statusFields = { ...this.statusFields, ...valid };
    if (this.connected) this.publishStatus(true);
  }

  /**
   * The controller's timing for the hub (`…/config`, QoS 1, retained), with its content hash:
   * published now when connected, again on every connect, and again whenever it changes. Not
   * through the outbox: only the latest configuration matters. Throws on an invalid one.
   */
  setControllerTiming(timing: { controller: ControllerTiming; hash: string }): void {
    this.encodeControllerConfig(timing);
    const changed = this.controllerTiming?.hash !== timing.hash;
    this.controllerTiming = timing;
    if (changed && this.connected) this.publishControllerConfig();
  }

  /** Queue measures; resolves with their `seq` once they are safe in the outbox. */
  publishMeasures(measures: MeasuresInput): Promise<number> {
    return this.enqueue("measures", (seq) => ({ ...measures, seq, intersectionId: this.options.intersectionId })).then((m) => m.seq);
  }

  /** Queue a signal state change; it shares the outbox with events, so their order is kept. */
  publishSignal(signal: SignalInput): Promise<number> {
    return this.enqueue("signal", (seq) => ({ ...signal, seq, intersectionId: this.options.intersectionId })).then((m) => m.seq);
  }

  publishEvents(events: EventsInput): Promise<number> {
    return this.enqueue("events", (seq) => ({ ...events, seq, intersectionId: this.options.intersectionId })).then((m) => m.seq);
  }

  stats(): LinkStats {
    return {
      connected: this.connected,
      pending: this.outbox.pending,
      inFlight: this.inflight.length,
      delivered: this.counters.delivered,
      dropped: this.outbox.droppedCount,
      rejected: { ...this.rejected },
      connectAttempts: this.counters.connectAttempts,
      reconnectAttempts: this.counters.reconnectAttempts,
      nextRetryDelayMs: this.nextRetryDelayMs,
      lastError: this.lastError,
    };
  }

  /**
   * Shut down cleanly: publish the retained offline status ourselves (a broker fires the will only
   * on an unclean loss), disconnect, and leave what is undelivered in the outbox for the next run.
   */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    this.cancelRetry();
    const client = this.client;
    if (client && this.connected) {
      try {
        const { topic, body } = this.encodeStatus(false);
        await withTimeout(client.publishAsync(topic, body, { qos: 1, retain: true }), this.options.closeTimeoutMs, "offline status");
      } catch (err) {
        this.log.warn({ err }, "could not publish the offline status; the broker will send the last will");
      }
      try {
        await withTimeout(client.endAsync(false), this.options.closeTimeoutMs, "disconnect");
      } catch {
        client.end(true);
      }
    } else {
      client?.end(true);
    }
    this.client = undefined;
    this.connected = false;
    await this.outbox.close();
  }

  private enqueue<K extends TopicKind>(kind: K, build: (seq: number) => PayloadByKind[K]): Promise<{ seq: number; id: number }> {
    if (this.closing) return Promise.reject(new Error(`link is closed: ${kind} not queued`));
    const seq = this.sequencer.next();
    let encoded: { topic: string; body: string };
    try {
      encoded = encodeMessage(this.options.region, kind, build(seq));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.outbox.append({ topic: encoded.topic, body: encoded.body, qos: 1 }).then((id) => {
      this.pump();
      return { seq, id };
    });
  }

  private connectNow(): void {
    this.retryTimer = undefined;
    this.nextRetryDelayMs = null;
    if (this.closing) return;
    this.counters.connectAttempts++;
    let client: MqttClient;
    try {
      client = mqtt.connect(this.options.url, this.clientOptions());
    } catch (err) {
      // mqtt.js throws at once for some bad URLs; treat it as a failed attempt, not a crash.
      this.lastError = err instanceof Error ? err.message : String(err);
      this.log.error({ err }, "could not start a connection attempt");
      this.scheduleReconnect();
      return;
    }
    this.client = client;
    client.on("connect", () => {
      disableNagle(client);
      this.handleConnect(client);
    });
    client.on("message", (topic, payload) => this.handleMessage(topic, payload));
    client.on("close", () => this.handleClose(client));
    // mqtt.js emits errors it also reports by closing; without a listener they would throw.
    client.on("error", (err) => {
      this.lastError = err.message;
      this.log.debug({ err }, "mqtt client error");
    });
  }

  /** A fresh will per attempt, so it carries the latest status fields. */
  private clientOptions(): IClientOptions {
    const will = this.encodeStatus(false);
    return {
      ...this.tlsMaterial,
      // Never talk to a broker whose certificate does not check out.
      rejectUnauthorized: true,
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      protocolVersion: 4,
      clean: true,
      keepalive: this.options.keepaliveS,
      connectTimeout: this.options.connectTimeoutMs,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: will.topic, payload: Buffer.from(will.body), qos: 1, retain: true },
    };
  }

  private handleConnect(client: MqttClient): void {
    if (this.client !== client || this.closing) return;
    this.connected = true;
    this.failures = 0;
    this.lastError = null;
    this.log.info({ url: this.options.url, pending: this.outbox.pending }, "link connected");
    client.subscribe({ [this.planTopic]: { qos: 1 }, [this.commandTopic]: { qos: 1 } }, (err, granted) => {
      if (err) this.log.warn({ err }, "subscribe failed");
      for (const g of granted ?? []) {
        if (g.qos === 128) this.log.error({ topic: g.topic }, "broker refused the subscription; plans or commands will not arrive");
      }
    });
    this.publishStatus(true);
    this.publishControllerConfig();
    this.inflight = [];
    this.sentThroughId = -1;
    this.pump();
  }

  private handleClose(client: MqttClient): void {
    if (this.client !== client || this.closing) return;
    const wasConnected = this.connected;
    this.client = undefined;
    this.connected = false;
    this.inflight = [];
    this.sentThroughId = -1;
    client.end(true);
    if (wasConnected) this.log.warn({ pending: this.outbox.pending }, "link lost");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delayMs = backoffDelayMs(this.failures, this.options.backoff, this.random);
    this.failures++;
    this.counters.reconnectAttempts++;
    this.nextRetryDelayMs = delayMs;
    this.log.debug({ delayMs, attempt: this.failures, lastError: this.lastError }, "reconnecting after backoff");
    this.retryTimer = this.timers.set(() => this.connectNow(), delayMs);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.timers.clear(this.retryTimer);
    this.retryTimer = undefined;
    this.nextRetryDelayMs = null;
  }

  /** Send what follows the last sent message, up to the in-flight window. */
  private pump(): void {
    const client = this.client;
    if (!client || !this.connected || this.closing) return;
    const room = this.options.inflightWindow - this.inflight.length;
    if (room <= 0) return;
    for (const entry of this.outbox.peek(room, this.sentThroughId)) {
      const slot: InFlight = { id: entry.id, done: false };
      this.inflight.push(slot);
      this.sentThroughId = entry.id;
      client.publish(entry.message.topic, entry.message.body, { qos: entry.message.qos }, (err) => {
        if (this.client !== client) return; // a lost connection's leftovers: resent on the next one
        if (err) {
          // Never skip a message: start over on a fresh connection, which resends from the oldest.
          this.log.warn({ err, id: slot.id }, "publish failed; reconnecting");
          this.handleClose(client);
          return;
        }
        slot.done = true;
        this.settleInflight();
      });
    }
  }

  /** PUBACKs may complete out of order; the outbox is acked only through the done prefix. */
  private settleInflight(): void {
    let count = 0;
    let lastId = -1;
    while (count < this.inflight.length && this.inflight[count]!.done) lastId = this.inflight[count++]!.id;
    if (count === 0) return;
    this.inflight.splice(0, count);
    this.outbox.ackThrough(lastId);
    this.counters.delivered += count;
    this.reportDrops();
    this.pump();
  }

  private handleMessage(topic: string, payload: Buffer): void {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) return this.reject(decoded.reason, decoded.error, topic);
    if (decoded.region !== this.options.region || decoded.intersectionId !== this.options.intersectionId) {
      return this.reject("id_mismatch", `${decoded.kind}: addressed to ${decoded.region}/${decoded.intersectionId}`, topic);
    }
    if (decoded.kind === "plan") this.deliver(this.planHandlers, decoded.payload, topic);
    else if (decoded.kind === "command") this.deliver(this.commandHandlers, decoded.payload, topic);
    else this.reject("bad_topic", `${decoded.kind}: not a kind the edge receives`, topic);
  }

  private deliver<T>(handlers: Set<Handler<T>>, payload: T, topic: string): void {
    for (const handler of handlers) {
      try {
        handler(payload);
      } catch (err) {
        this.log.error({ err, topic }, "message handler threw");
      }
    }
  }

  private reject(reason: RejectReason, error: string, topic: string): void {
    this.rejected[reason]++;
    this.log.warn({ reason, topic }, `rejected incoming message: ${error}`);
  }

  /**
   * Send a camera snapshot now, QoS 0, not through the outbox: a picture is only worth its moment,
   * so none is kept while offline. Resolves true once handed to the socket, false when offline.
   */
  publishSnapshot(snapshot: Omit<PayloadByKind["snapshot"], "seq" | "intersectionId">): Promise<boolean> {
    const client = this.client;
    if (!client || !this.connected) return Promise.resolve(false);
    const { topic, body } = encodeMessage(this.options.region, "snapshot", {
      ...snapshot,
      seq: this.sequencer.next(),
      intersectionId: this.options.intersectionId,
    });
    return new Promise((resolve) => {
      client.publish(topic, body, { qos: 0 }, (err) => {
        if (err) this.log.debug({ err }, "snapshot publish failed");
        resolve(!err);
      });
    });
  }

  private publishStatus(online: boolean): void {
    const client = this.client;
    if (!client) return;
    const { topic, body } = this.encodeStatus(online);
    client.publish(topic, body, { qos: 1, retain: true }, (err) => {
      if (err && this.client === client) this.log.debug({ err }, "status publish failed");
    });
  }

  private publishControllerConfig(): void {
    const client = this.client;
    if (!client || this.controllerTiming === null) return;
    const { topic, body } = this.encodeControllerConfig(this.controllerTiming);
    client.publish(topic, body, { qos: 1, retain: true }, (err) => {
      if (err && this.client === client) this.log.debug({ err }, "controller config publish failed");
    });
  }

  private encodeControllerConfig(timing: { controller: ControllerTiming; hash: string }): { topic: string; body: string } {
    return encodeMessage(this.options.region, "config", {
      ts: this.now(),
      seq: this.sequencer.next(),
      intersectionId: this.options.intersectionId,
      version: 1,
      hash: timing.hash,
      controller: timing.controller,
    });
  }

  private encodeStatus(online: boolean): { topic: string; body: string } {
    return encodeMessage(this.options.region, "status", {
      ...this.statusFields,
      online,
      ts: this.now(),
      seq: this.sequencer.next(),
      intersectionId: this.options.intersectionId,
    });
  }

  private handleDrop(droppedNow: number): void {
    this.unreportedDrops += droppedNow;
    this.reportDrops();
  }

  /**
   * Tell the hub about drops with an `outbox-drop` alarm on `events`. One alarm waits in the outbox
   * at a time; drops while it waits are told in the next, so an alarm never displaces another.
   */
  private reportDrops(): void {
    if (this.closing || this.unreportedDrops === 0 || this.dropAlarm.state === "appending") return;
    if (this.dropAlarm.state === "queued" && this.outbox.isPending(this.dropAlarm.id)) return;
    const dropped = this.unreportedDrops;
    this.unreportedDrops = 0;
    this.dropAlarm = { state: "appending" };
    const ts = this.now();
    const message = `outbox full: dropped ${dropped} oldest messages (${this.outbox.droppedCount} in all)`;
    this.enqueue("events", (seq) => ({
      ts,
      seq,
      intersectionId: this.options.intersectionId,
      events: [{ type: "alarm", ts, alarm: "outbox-drop", message }],
    })).then(
      ({ id }) => {
        this.dropAlarm = { state: "queued", id };
        this.reportDrops();
      },
      (err: unknown) => {
        this.dropAlarm = { state: "idle" };
        this.log.warn({ err }, "could not queue the outbox-drop alarm");
      },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Read the link's TLS files once at open; an error names the option. */
async function readTlsMaterial(tls: MqttLinkOptions["tls"]): Promise<{ ca?: string; cert?: string; key?: string }> {
  const out: { ca?: string; cert?: string; key?: string } = {};
  if (!tls) return out;
  const read = async (path: string, field: string): Promise<string> => {
    try {
      return await readFile(path, "utf8");
    } catch (err) {
      throw new ValidationError(`link.tls.${field}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  if (tls.caFile) out.ca = await read(tls.caFile, "caFile");
  if (tls.certFile) out.cert = await read(tls.certFile, "certFile");
  if (tls.keyFile) out.key = await read(tls.keyFile, "keyFile");
  return out;
}
