import { describe, expect, it } from "vitest";
import type { ChangeListener } from "../../hub.js";
import { LiveServerMessage, type AlarmRecord, type IntersectionDetail, type IntersectionSummary, type TrackedCommand } from "../contract.js";
import { LiveStream, type LiveSocket, type LiveSource } from "./live-stream.js";

class FakeSocket implements LiveSocket {
  bufferedAmount = 0;
  readyState = 1;
  readonly sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  closedWith: number | null = null;
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  messages(): { type: string; intersections?: IntersectionSummary[]; intersection?: IntersectionDetail; message?: string }[] {
    return this.sent.map((s) => JSON.parse(s));
  }
  types(): string[] {
    return this.messages().map((m) => m.type);
  }
}

function summary(id: string, version: number): IntersectionSummary {
  return {
    intersectionId: id,
    region: "r",
    position: null,
    online: true,
    mode: "adaptive",
    planId: null,
    cycleS: null,
    groups: { a: version % 2 === 0 ? "G" : "R" },
    activePhases: [],
    degreeOfSaturation: null,
    queueVeh: version,
    activeAlarms: 0,
    lastSeenMs: version,
    signalTs: version,
    cycleSecond: null,
  };
}

/** A source whose state is a version per intersection; counts how often summaries are built. */
function fakeSource(ids: string[]) {
  const versions = new Map(ids.map((id) => [id, 0]));
  let listener: ChangeListener = () => undefined;
  const calls = { summaries: 0, details: 0 };
  const source: LiveSource = {
    onChange: (l) => {
      listener = l;
      return () => undefined;
    },
    summary: (id) => {
      calls.summaries++;
      return versions.has(id) ? summary(id, versions.get(id)!) : null;
    },
    ids: () => ids,
    alarms: () => [],
    commands: () => [],
    detail: (id) => {
      calls.details++;
      return versions.has(id) ? ({ ...summary(id, versions.get(id)!), detail: true } as unknown as IntersectionDetail) : null;
    },
    known: (id) => versions.has(id),
  };
  const change = (id: string): void => {
    versions.set(id, versions.get(id)! + 1);
    listener(id, "signal");
  };
  return { source, change, calls };
}

function stream(ids: string[], options: { maxBufferedBytes?: number; lagTerminateMs?: number; maxClients?: number } = {}) {
  let nowMs = 0;
  const fake = fakeSource(ids);
  const live = new LiveStream(fake.source, { intervalMs: 1_000_000, now: () => nowMs, ...options });
  live.start();
  return { live, ...fake, advance: (ms: number) => (nowMs += ms) };
}

describe("LiveStream", () => {
  it("writes updates and snapshots as the JSON of the contract's messages, summaries in order and unknown ids left out", () => {
    let listener: ChangeListener = () => undefined;
    const alarms = [{ alarmId: "al-1" }] as unknown as AlarmRecord[];
    const commands = [{ commandId: "c-1" }] as unknown as TrackedCommand[];
    const known = ["a", "b", "c"];
    const live = new LiveStream(
      {
        onChange: (l) => ((listener = l), () => undefined),
        summary: (id) => (known.includes(id) ? summary(id, 3) : null),
        ids: () => [...known, "gone"],
        alarms: () => alarms,
        commands: (id) => (id === "b" ? commands : []),
        detail: () => null,
        known: (id) => known.includes(id),
      },
      { intervalMs: 1_000_000, now: () => 0 },
    );
    live.start();
    const socket = new FakeSocket();
    live.add(socket, "viewer");
    listener("c", "signal");
    listener("gone", "signal");
    listener("b", "command");
    listener(null, "alarm");
    live.tick();
    const [, snapshot, update] = socket.sent;
    expect(snapshot).toBe(JSON.stringify({ type: "snapshot", intersections: known.map((id) => summary(id, 3)), alarms }));
    expect(update).toBe(JSON.stringify({ type: "update", intersections: [summary("c", 3), summary("b", 3)], alarms, commands }));
    expect(LiveServerMessage.safeParse(JSON.parse(update!)).error?.issues.map((i) => i.path.join("."))).not.toContain("intersections");
    listener("a", "signal");
    live.tick();
    expect(socket.sent[3]).toBe(JSON.stringify({ type: "update", intersections: [summary("a", 3)] }));
    live.stop();
  });

  it("greets a new client and sends it the whole state", () => {
    const { live } = stream(["a", "b"]);
    const socket = new FakeSocket();
    live.add(socket, "viewer");
    expect(socket.types()).toEqual(["hello", "snapshot"]);
    expect(socket.messages()[1]!.intersections!.map((s) => s.intersectionId)).toEqual(["a", "b"]);
    live.stop();
  });

  it("coalesces many changes to one intersection within an interval into one entry of one update", () => {
    const { live, change } = stream(["a", "b", "c"]);
    const socket = new FakeSocket();
    live.add(socket, "viewer");
    for (let i = 0; i < 25; i++) change("a");
    change("c");
    live.tick();
    const updates = socket.messages().filter((m) => m.type === "update");
    expect(updates).toHaveLength(1);
    expect(updates[0]!.intersections!.map((s) => s.intersectionId).sort()).toEqual(["a", "c"]);
    expect(updates[0]!.intersections!.find((s) => s.intersectionId === "a")!.queueVeh).toBe(25);
    live.tick();
    expect(socket.messages().filter((m) => m.type === "update")).toHaveLength(1);
    live.stop();
  });

  it("flushes as soon as the message that finds a flush due is handled, without waiting for the timer", async () => {
    const { live, change, advance } = stream(["a", "b"]);
    const socket = new FakeSocket();
    live.add(socket, "viewer");
    change("a");
    await Promise.resolve();
    // Within the interval: held back, to be coalesced.
    expect(socket.types()).toEqual(["hello", "snapshot"]);
    advance(1_000_000);
    change("b");
    change("b");
    expect(socket.types()).toEqual(["hello", "snapshot"]);
    await Promise.resolve();
    expect(socket.types()).toEqual(["hello", "snapshot", "update"]);
    expect(socket.messages()[2]!.intersections!.map((s) => s.intersectionId).sort()).toEqual(["a", "b"]);
    live.stop();
  });

  it("builds and serialises each update once for every client", () => {
    const { live, change, calls } = stream(["a"]);
    const sockets = Array.from({ length: 50 }, () => new FakeSocket());
    for (const s of sockets) live.add(s, "viewer");
    // The snapshot, built once and shared by all 50.
    expect(calls.summaries).toBe(1);
    change("a");
    live.tick();
    expect(calls.summaries).toBe(2);
    const texts = new Set(sockets.map((s) => s.sent.at(-1)));
    expect(texts.size).toBe(1);
    expect(live.stats().updatesSent).toBe(50);
    live.stop();
  });

  it("skips a client over its buffer cap, tells it it lags, and converges it with a snapshot once it drains", () => {
    const { live, change } = stream(["a", "b"], { maxBufferedBytes: 1000 });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    live.add(slow, "viewer");
    live.add(fast, "viewer");
    slow.bufferedAmount = 5000;
    change("a");
    live.tick();
    change("b");
    live.tick();
    expect(fast.types().filter((t) => t === "update")).toHaveLength(2);
    expect(slow.types()).toEqual(["hello", "snapshot", "lagging"]);
    expect(live.stats()).toMatchObject({ laggingClients: 1, updatesSkipped: 2 });
    slow.bufferedAmount = 0;
    live.tick();
    expect(slow.types()).toEqual(["hello", "snapshot", "lagging", "snapshot"]);
    const latest = slow.messages().at(-1)!.intersections!;
    expect(latest.map((s) => s.queueVeh)).toEqual([1, 1]);
    expect(live.stats().laggingClients).toBe(0);
    live.stop();
  });

  it("disconnects a client that stays over the cap, and keeps serving the others", () => {
    const { live, change, advance } = stream(["a"], { maxBufferedBytes: 1000, lagTerminateMs: 10_000 });
    const stuck = new FakeSocket();
    const fast = new FakeSocket();
    live.add(stuck, "viewer");
    live.add(fast, "operator");
    stuck.bufferedAmount = 1_000_000;
    live.tick();
    advance(9_999);
    live.tick();
    expect(stuck.terminated).toBe(false);
    advance(1);
    change("a");
    live.tick();
    expect(stuck.terminated).toBe(true);
    expect(fast.types().at(-1)).toBe("update");
    expect(live.stats()).toMatchObject({ clients: 1, clientsTerminated: 1 });
    live.stop();
  });

  it("answers resync with a snapshot, sends a subscribed intersection's detail when it changes, and explains bad messages", () => {
    const { live, change } = stream(["a", "b"]);
    const socket = new FakeSocket();
    const client = live.add(socket, "viewer")!;
    live.receive(client, JSON.stringify({ type: "resync" }));
    expect(socket.types()).toEqual(["hello", "snapshot", "snapshot"]);
    live.receive(client, JSON.stringify({ type: "subscribe", intersectionId: "b" }));
    expect(socket.messages().at(-1)).toMatchObject({ type: "detail", intersection: { intersectionId: "b" } });
    change("a");
    live.tick();
    expect(socket.types().at(-1)).toBe("update");
    change("b");
    live.tick();
    expect(socket.types().slice(-2)).toEqual(["update", "detail"]);
    live.receive(client, JSON.stringify({ type: "subscribe", intersectionId: "nowhere" }));
    expect(socket.messages().at(-1)).toEqual({ type: "error", message: "unknown intersection nowhere" });
    live.receive(client, "{not json");
    expect(socket.messages().at(-1)!.type).toBe("error");
    live.receive(client, JSON.stringify({ type: "subscribe" }));
    expect(socket.messages().at(-1)!.message).toMatch(/^message\.intersectionId: /);
    live.stop();
  });

  it("holds a resync back from a client over its cap until it drains", () => {
    const { live } = stream(["a"], { maxBufferedBytes: 1000 });
    const socket = new FakeSocket();
    const client = live.add(socket, "viewer")!;
    socket.bufferedAmount = 2000;
    live.receive(client, JSON.stringify({ type: "resync" }));
    live.receive(client, JSON.stringify({ type: "resync" }));
    expect(socket.types()).toEqual(["hello", "snapshot"]);
    socket.bufferedAmount = 0;
    live.tick();
    expect(socket.types()).toEqual(["hello", "snapshot", "snapshot"]);
    live.stop();
  });

  it("holds back replies to a client over its cap, and sends what it owes once it drains", () => {
    const { live } = stream(["a", "b"], { maxBufferedBytes: 1000 });
    const socket = new FakeSocket();
    const client = live.add(socket, "viewer")!;
    socket.bufferedAmount = 2000;
    live.receive(client, "{not json");
    live.receive(client, JSON.stringify({ type: "subscribe", intersectionId: "b" }));
    expect(socket.types()).toEqual(["hello", "snapshot"]);
    expect(live.stats().repliesHeldBack).toBe(1);
    socket.bufferedAmount = 0;
    live.tick();
    expect(socket.types().at(-1)).toBe("detail");
  });

  it("answers a flood of subscribes with one detail per flush", () => {
    const { live, calls } = stream(["a", "b"]);
    const socket = new FakeSocket();
    const client = live.add(socket, "viewer")!;
    for (let i = 0; i < 1000; i++) live.receive(client, JSON.stringify({ type: "subscribe", intersectionId: i % 2 === 0 ? "a" : "b" }));
    expect(socket.types().filter((t) => t === "detail")).toHaveLength(1);
    live.tick();
    const details = socket.messages().filter((m) => m.type === "detail");
    expect(details).toHaveLength(2);
    expect(details[1]!.intersection!.intersectionId).toBe("b");
    expect(calls.details).toBe(2);
    live.stop();
  });

  it("turns away clients beyond maxClients with 1013 and counts them", () => {
    const { live } = stream(["a"], { maxClients: 2 });
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const added = sockets.map((s) => live.add(s, "viewer"));
    expect(added.map((c) => c !== null)).toEqual([true, true, false]);
    expect(sockets[2]!.closedWith).toBe(1013);
    expect(sockets[2]!.sent).toEqual([]);
    expect(live.stats()).toMatchObject({ clients: 2, clientsRefused: 1 });
    live.stop();
  });
});
