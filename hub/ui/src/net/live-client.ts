import { asLiveMessage, type LiveMessage, type LiveRequest } from "./contract.js";
import { backoffDelayMs, type BackoffOptions } from "../../../../common/backoff.js";

/** 500 ms doubling to 10 s, "equal jitter" (half fixed, half random), so a control room of dashboards does not reconnect in step when the hub comes back. */
export const LIVE_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.5 };

/** The part of the browser's WebSocket the client uses; tests pass a fake. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export type ConnectionState = "connecting" | "live" | "reconnecting" | "stopped";

export interface LiveClientOptions {
  url: string;
  onMessage: (message: LiveMessage) => void;
  onState: (state: ConnectionState) => void;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (callback: () => void, delayMs: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  backoff?: BackoffOptions;
}

const OPEN = 1;

/**
 * `/api/live` with reconnection: after a lost connection it retries with backoff and, once back,
 * takes the snapshot the hub sends on connect as the whole truth, then re-subscribes to the
 * intersection being watched. "live" means a snapshot has arrived on this connection, not merely
 * that the socket opened: until then the page still shows old state.
 */
export class LiveClient {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private state: ConnectionState = "connecting";
  private watched: string | null = null;
  private readonly o: Required<Omit<LiveClientOptions, "backoff">> & { backoff: BackoffOptions };

  constructor(options: LiveClientOptions) {
    this.o = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      setTimer: (cb, ms) => setTimeout(cb, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      backoff: LIVE_BACKOFF,
      ...options,
    };
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000, "signed out");
    }
    this.setState("stopped");
  }

  /** Ask for detail messages about one intersection (null: none); kept across reconnects. */
  watch(intersectionId: string | null): void {
    this.watched = intersectionId;
    this.send({ type: "subscribe", intersectionId });
  }

  resync(): void {
    this.send({ type: "resync" });
  }

  private send(request: LiveRequest): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(request));
  }

  private connect(): void {
    this.timer = null;
    let socket: SocketLike;
    try {
      socket = this.o.createSocket(this.o.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.watched !== null) this.send({ type: "subscribe", intersectionId: this.watched });
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        return;
      }
      const message = asLiveMessage(parsed);
      if (!message) return;
      if (message.type === "snapshot") {
        this.attempt = 0;
        this.setState("live");
      } else if (message.type === "lagging") {
        // We missed coalesced updates; a snapshot puts everything right.
        this.resync();
      }
      this.o.onMessage(message);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState("reconnecting");
    const delayMs = backoffDelayMs(this.attempt++, this.o.backoff, this.o.random);
    this.timer = this.o.setTimer(() => this.connect(), delayMs);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.o.onState(state);
  }
}
