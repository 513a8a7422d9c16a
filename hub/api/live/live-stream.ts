import { pino, type Logger } from "pino";
import type { Role } from "../../services/actor.js";
import type { ChangeKind, ChangeListener } from "../../hub.js";
import type { AlarmRecord, IntersectionDetail, IntersectionSummary, LiveServerMessage, TrackedCommand } from "../contract.js";
import { parseClientMessage } from "./messages.js";

/** What the stream needs of a websocket (ws's WebSocket has all of it). */
export interface LiveSocket {
  readonly bufferedAmount: number;
  /** 1 = open, as in the WebSocket API. */
  readonly readyState: number;
  send(data: string): void;
  /** Close with a code and reason (1013 "try again later" when the stream is full). */
  close(code: number, reason: string): void;
  terminate(): void;
}

/** Where the stream reads state from; the hub's views in the app, a fake in unit tests. */
export interface LiveSource {
  onChange(listener: ChangeListener): () => void;
  /** One intersection's summary; null when the hub knows nothing of it. */
  summary(intersectionId: string): IntersectionSummary | null;
  /** Every intersection a snapshot lists, in order. */
  ids(): Iterable<string>;
  alarms(): AlarmRecord[];
  commands(intersectionId: string): TrackedCommand[];
  detail(intersectionId: string): IntersectionDetail | null;
  /** Whether the hub knows the intersection (configured or heard), without building its detail. */
  known(intersectionId: string): boolean;
}

export interface LiveStreamOptions {
  intervalMs?: number;
  /** A client's send buffer above this misses updates until it drains. */
  maxBufferedBytes?: number;
  /** A client over the cap this long is disconnected. */
  lagTerminateMs?: number;
  /** Live clients at most; one more is closed with 1013 and counted. */
  maxClients?: number;
  now?: () => number;
  logger?: Logger;
}

export interface LiveStats {
  clients: number;
  laggingClients: number;
  updatesSent: number;
  /** Per-client messages not sent because the client's buffer was over the cap. */
  updatesSkipped: number;
  clientsTerminated: number;
  /** Clients turned away because `maxClients` were connected. */
  clientsRefused: number;
  /** Replies (details, errors, snapshots) held back or dropped because the client's buffer was over the cap. */
  repliesHeldBack: number;
}

export interface LiveClient {
  readonly role: Role;
  /** The intersection whose detail it follows, if any. */
  subscription: string | null;
  /** Over the cap since this time; null when keeping up. */
  laggingSinceMs: number | null;
  /** Owes a snapshot (asked for one, or missed updates) once its buffer drains. */
  snapshotOwed: boolean;
  /** Owes its subscription's detail (held back over the cap, or asked for again within one flush). */
  detailOwed: boolean;
  /** A detail was sent to it since the last flush: further subscribes wait for the next. */
  detailSentThisFlush: boolean;
}

interface Entry extends LiveClient {
  socket: LiveSocket;
}

const OPEN = 1;

type UpdateMessage = Extract<LiveServerMessage, { type: "update" }>;
type SnapshotMessage = Extract<LiveServerMessage, { type: "snapshot" }>;

/** `JSON.stringify` of `{ type, intersections, ...rest }`, the intersections already serialised. */
function messageText<M extends UpdateMessage | SnapshotMessage>(type: M["type"], intersectionsJson: string, rest: Omit<M, "type" | "intersections">): string {
  const restJson = JSON.stringify(rest);
  return `{"type":${JSON.stringify(type)},"intersections":${intersectionsJson}${restJson === "{}" ? "" : `,${restJson.slice(1, -1)}`}}`;
}

/**
 * The live stream's fan-out. Hub changes only add an id to a Set (O(1), nothing is sent from
 * inside the hub); every `intervalMs` the changed intersections' summaries are serialised once
 * and the same string goes to every client. A client whose socket buffer is over the cap is
 * skipped (it owes a snapshot, so it converges once it drains) and is cut off after
 * `lagTerminateMs`, so a slow or dead client never holds up the others or the hub.
 */
export class LiveStream {
  private readonly clients = new Set<Entry>();
  private readonly changed = new Set<string>();
  private readonly commandsChanged = new Set<string>();
  private alarmsChanged = false;
  private snapshotText: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastFlushMs: number;
  private flushQueued = false;
  private unsubscribe: (() => void) | null = null;
  private counters = { updatesSent: 0, updatesSkipped: 0, clientsTerminated: 0, clientsRefused: 0, repliesHeldBack: 0 };
  readonly intervalMs: number;
  private readonly maxBufferedBytes: number;
  private readonly lagTerminateMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(
    private readonly source: LiveSource,
    options: LiveStreamOptions = {},
  ) {
    // 25 ms: a change reaches a dashboard within a frame or two; the page coalesces per animation frame.
    this.intervalMs = options.intervalMs ?? 25;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.lagTerminateMs = options.lagTerminateMs ?? 10_000;
    this.maxClients = options.maxClients ?? 1000;
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? pino({ level: "silent" });
    this.lastFlushMs = this.now();
  }

  /** Listen to the hub and start the flush timer. */
  start(): void {
    if (this.timer !== null) return;
    this.unsubscribe = this.source.onChange((id, kind) => this.noteChange(id, kind));
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stop the timer and disconnect every client. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
  }

  noteChange(intersectionId: string | null, kind: ChangeKind): void {
    this.snapshotText = null;
    if (kind === "alarm") this.alarmsChanged = true;
    if (intersectionId !== null) {
      this.changed.add(intersectionId);
      if (kind === "command") this.commandsChanged.add(intersectionId);
    }
    // Under load the hub's event loop handles hundreds of messages per turn and the timer only
    // runs between turns; a change that finds a flush due has it run as soon as the message that
    // made it is handled, so a busy turn does not hold updates back.
    if (this.timer !== null && !this.flushQueued && this.now() - this.lastFlushMs >= this.intervalMs) {
      this.flushQueued = true;
      queueMicrotask(() => this.tick());
    }
  }

  /** A new client: greet it and send the whole current state; null (and closed) when the stream is full. */
  add(socket: LiveSocket, role: Role): LiveClient | null {
    if (this.clients.size >= this.maxClients) {
      this.counters.clientsRefused++;
      socket.close(1013, "too many live clients; try again later");
      return null;
    }
    const client: Entry = { socket, role, subscription: null, laggingSinceMs: null, snapshotOwed: false, detailOwed: false, detailSentThisFlush: false };
    this.clients.add(client);
    this.send(client, JSON.stringify({ type: "hello", role, serverTimeMs: this.now() }));
    if (!this.send(client, this.snapshot())) client.snapshotOwed = true;
    return client;
  }

  remove(client: LiveClient): void {
    this.clients.delete(client as Entry);
  }

  /** A text frame from a client: `resync` or `subscribe`; anything else gets an error message. */
  receive(client: LiveClient, text: string): void {
    const entry = client as Entry;
    const message = parseClientMessage(text);
    if (!message.ok) {
      this.send(entry, JSON.stringify({ type: "error", message: message.error }));
      return;
    }
    if (message.value.type === "resync") {
      // A client over its cap gets the snapshot once it drains, not on top of its backlog.
      if (this.overCap(entry)) entry.snapshotOwed = true;
      else this.send(entry, this.snapshot());
      return;
    }
    const id = message.value.intersectionId;
    entry.subscription = id;
    entry.detailOwed = false;
    if (id === null) return;
    if (!this.source.known(id)) {
      entry.subscription = null;
      this.send(entry, JSON.stringify({ type: "error", message: `unknown intersection ${id}` }));
      return;
    }
    // One detail per client per flush: a flood of subscribes costs one detail, sent at the next flush.
    if (entry.detailSentThisFlush || this.overCap(entry)) {
      entry.detailOwed = true;
      return;
    }
    this.sendDetail(entry, id, new Map());
  }

  /** One flush: the coalesced update to every client that can take it. */
  tick(): void {
    const nowMs = this.now();
    this.lastFlushMs = nowMs;
    this.flushQueued = false;
    const update = this.takeUpdate();
    const details = new Map<string, string | null>();
    for (const client of this.clients) {
      if (client.socket.readyState !== OPEN) continue;
      if (this.overCap(client)) {
        this.lagging(client, nowMs, update !== null);
        continue;
      }
      if (client.laggingSinceMs !== null || client.snapshotOwed) {
        // It missed updates (or asked): a snapshot makes it whole again, so this update is not needed.
        client.laggingSinceMs = null;
        client.snapshotOwed = false;
        this.send(client, this.snapshot());
      } else if (update !== null) {
        this.send(client, update.text);
        this.counters.updatesSent++;
      }
      client.detailSentThisFlush = false;
      const id = client.subscription;
      if (id !== null && (client.detailOwed || (update !== null && update.ids.has(id)))) this.sendDetail(client, id, details);
    }
  }

  /** Send `id`'s detail, serialised once per flush for every client that follows it (`details`). */
  private sendDetail(client: Entry, id: string, details: Map<string, string | null>): void {
    let text = details.get(id);
    if (text === undefined) {
      const detail = this.source.detail(id);
      text = detail === null ? null : JSON.stringify({ type: "detail", intersection: detail });
      details.set(id, text);
    }
    client.detailOwed = false;
    if (text === null) return;
    if (this.send(client, text)) client.detailSentThisFlush = true;
    else client.detailOwed = true;
  }

  stats(): LiveStats {
    let lagging = 0;
    for (const c of this.clients) if (c.laggingSinceMs !== null) lagging++;
    return { clients: this.clients.size, laggingClients: lagging, ...this.counters };
  }

  private takeUpdate(): { text: string; ids: Set<string> } | null {
    if (this.changed.size === 0 && !this.alarmsChanged) return null;
    const ids = new Set(this.changed);
    this.changed.clear();
    const rest: Omit<UpdateMessage, "type" | "intersections"> = {};
    if (this.alarmsChanged) rest.alarms = this.source.alarms();
    if (this.commandsChanged.size > 0) rest.commands = [...this.commandsChanged].flatMap((id) => this.source.commands(id));
    this.alarmsChanged = false;
    this.commandsChanged.clear();
    return { text: messageText("update", this.summariesJson(ids), rest), ids };
  }

  /**
   * The JSON array of `ids`' summaries, each serialised as soon as it is built: at thousands of
   * intersections a flush's summaries (with the parsed measures and signal behind them) held as
   * one array until a single `JSON.stringify` were alive across the young generation's
   * collections and promoted; text is one flat object per intersection (docs/hub.md).
   */
  private summariesJson(ids: Iterable<string>): string {
    const parts: string[] = [];
    for (const id of ids) {
      const summary = this.source.summary(id);
      if (summary !== null) parts.push(JSON.stringify(summary));
    }
    return `[${parts.join(",")}]`;
  }

  private lagging(client: Entry, nowMs: number, missedUpdate: boolean): void {
    if (missedUpdate) this.counters.updatesSkipped++;
    if (client.laggingSinceMs === null) {
      client.laggingSinceMs = nowMs;
      // Tiny, and queued behind its backlog: when it reads this, a snapshot follows.
      this.send(client, JSON.stringify({ type: "lagging" }), { evenOverCap: true });
      this.log.info({ bufferedBytes: client.socket.bufferedAmount }, "live client lagging: holding back its updates");
    } else if (nowMs - client.laggingSinceMs >= this.lagTerminateMs) {
      this.log.warn({ bufferedBytes: client.socket.bufferedAmount, laggingMs: nowMs - client.laggingSinceMs }, "live client disconnected: its buffer stayed full");
      this.counters.clientsTerminated++;
      this.clients.delete(client);
      client.socket.terminate();
    }
  }

  private overCap(client: Entry): boolean {
    return client.socket.bufferedAmount > this.maxBufferedBytes;
  }

  /** Serialised once and shared until the next change. */
  private snapshot(): string {
    this.snapshotText ??= messageText("snapshot", this.summariesJson(this.source.ids()), { alarms: this.source.alarms() });
    return this.snapshotText;
  }

  /**
   * Send unless the client's buffer is over the cap (then false, counted): every message obeys the
   * cap, replies included. The one exception is the tiny `lagging` notice, once per lagging spell.
   */
  private send(client: Entry, text: string, options: { evenOverCap?: boolean } = {}): boolean {
    if (client.socket.readyState !== OPEN) return false;
    if (!options.evenOverCap && this.overCap(client)) {
      this.counters.repliesHeldBack++;
      return false;
    }
    try {
      client.socket.send(text);
      return true;
    } catch (err) {
      this.log.warn({ err }, "live send failed");
      return false;
    }
  }
}
