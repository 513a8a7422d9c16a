import { describe, expect, it } from "vitest";
import type { LiveMessage } from "./contract.js";
import { LiveClient, type ConnectionState, type SocketLike } from "./live-client.js";
import { backoffDelayMs } from "../../../../common/backoff.js";
import { LIVE_BACKOFF } from "./live-client.js";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { cb: () => void; ms: number }[] = [];
  const states: ConnectionState[] = [];
  const messages: LiveMessage[] = [];
  const client = new LiveClient({
    url: "ws://hub/api/live?token=t",
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    setTimer: (cb, ms) => timers.push({ cb, ms }),
    clearTimer: () => undefined,
    random: () => 0,
    backoff: { ...LIVE_BACKOFF, initialMs: 100, maxMs: 1000 },
  });
  return { client, sockets, timers, states, messages };
}

describe("live client", () => {
  it("backs off exponentially with jitter up to a ceiling", () => {
    const o = { ...LIVE_BACKOFF, initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, o, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(2, o, () => 0.999)).toBeGreaterThanOrEqual(200);
    expect(backoffDelayMs(2, o, () => 0.999)).toBeLessThan(210);
  });

  it("is live only once a snapshot arrives, and reconnects with growing delays after losing the hub", () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.open();
    expect(h.states).toEqual([]);
    h.sockets[0]!.receive({ type: "snapshot", intersections: [], alarms: [] });
    expect(h.states).toEqual(["live"]);
    h.sockets[0]!.drop();
    expect(h.states.at(-1)).toBe("reconnecting");
    h.timers.shift()!.cb();
    h.sockets[1]!.drop();
    h.timers.at(-1)!.cb();
    expect(h.sockets).toHaveLength(3);
    h.sockets[2]!.open();
    h.sockets[2]!.receive({ type: "snapshot", intersections: [], alarms: [] });
    expect(h.states.at(-1)).toBe("live");
    expect(h.messages.filter((m) => m.type === "snapshot")).toHaveLength(2);
  });

  it("re-subscribes to the watched intersection after reconnecting", () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.open();
    h.client.watch("x1");
    expect(h.sockets[0]!.sent.map((s) => JSON.parse(s))).toEqual([{ type: "subscribe", intersectionId: "x1" }]);
    h.sockets[0]!.drop();
    h.timers.shift()!.cb();
    h.sockets[1]!.open();
    expect(h.sockets[1]!.sent.map((s) => JSON.parse(s))).toEqual([{ type: "subscribe", intersectionId: "x1" }]);
  });

  it("asks for a resync when the hub says it is lagging, and ignores frames that are not messages", () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.open();
    h.sockets[0]!.onmessage?.({ data: "not json" });
    h.sockets[0]!.receive({ type: "nonsense" });
    h.sockets[0]!.receive({ type: "update", intersections: "no" });
    h.sockets[0]!.receive({ type: "lagging" });
    expect(h.messages.map((m) => m.type)).toEqual(["lagging"]);
    expect(h.sockets[0]!.sent.map((s) => JSON.parse(s))).toEqual([{ type: "resync" }]);
  });

  it("stops reconnecting once stopped", () => {
    const h = harness();
    h.client.start();
    h.client.stop();
    h.sockets[0]!.drop();
    expect(h.timers).toHaveLength(0);
    expect(h.states).toEqual(["stopped"]);
  });
});
