import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { topicFor, topicFilter, type Command, type Plan } from "../../../protocol/index.js";
import { freePort, mosquittoBinary, startAedes, startMosquitto, type ManagedServer } from "../../../tests/support/servers.js";
import { startTcpProxy, type TcpProxy } from "../../../tests/support/tcp-proxy.js";
import { MqttLink, type LinkTimers, type MeasuresInput, type MqttLinkDeps } from "./index.js";
import type { MqttLinkOptionsInput } from "./options.js";

const REGION = "r1";

interface Received {
  topic: string;
  kind: string;
  body: Record<string, unknown>;
  retain: boolean;
}

/** A hub-side observer: subscribes (QoS 1) and keeps everything that arrives, parsed. */
async function watch(url: string, filter: string): Promise<{ messages: Received[]; client: MqttClient }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, clean: true });
  const messages: Received[] = [];
  client.on("message", (topic, payload, packet) => {
    messages.push({ topic, kind: topic.split("/").pop()!, body: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain });
  });
  client.on("error", () => undefined);
  await client.subscribeAsync(filter, { qos: 1 });
  return { messages, client };
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function measures(n: number): MeasuresInput {
  return {
    ts: 1_700_000_000_000 + n * 1000,
    intervalMs: 1000,
    modelId: "virtual-loop",
    framesProcessed: n,
    approaches: [{ approachId: "north", count: n % 7, countsByClass: { car: n % 7 }, queue: 2, occupancy: 0.25 }],
  };
}

const framesOf = (list: Received[]): number[] => list.filter((m) => m.kind === "measures").map((m) => m.body.framesProcessed as number);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** First arrival of each seq, in arrival order, and how many QoS 1 duplicates came besides. */
function distinctBySeq(list: Received[]): { distinct: Received[]; duplicates: number } {
  const seen = new Set<number>();
  const distinct: Received[] = [];
  for (const m of list) {
    const seq = m.body.seq as number;
    if (!seen.has(seq)) {
      seen.add(seq);
      distinct.push(m);
    }
  }
  return { distinct, duplicates: list.length - distinct.length };
}

const brokers = [
  { name: "aedes", start: startAedes, skip: false, reason: "" },
  { name: "mosquitto", start: () => startMosquitto(), skip: mosquittoBinary.skip, reason: mosquittoBinary.reason },
];

describe.each(brokers)("MqttLink against $name", ({ name, start, skip, reason }) => {
  if (skip) console.warn(`skipping MqttLink against ${name}: ${reason}`);
  let broker: ManagedServer;
  let proxy: TcpProxy;
  let tempRoot: string;
  let counter = 0;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    if (skip) return;
    broker = await start();
    proxy = await startTcpProxy(broker.port);
    tempRoot = await mkdtemp(join(tmpdir(), "mqtt-link-"));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    proxy?.blackhole(false);
    await proxy?.start();
    await broker?.start();
  });
  afterAll(async () => {
    await proxy?.dispose();
    await broker?.dispose();
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  });

  /** A fresh intersection id and outbox per test, so retained messages never leak between tests. */
  function setup(overrides: Partial<MqttLinkOptionsInput> = {}): MqttLinkOptionsInput {
    counter++;
    const intersectionId = `${name}-i${counter}`;
    return {
      url: broker.url,
      region: REGION,
      intersectionId,
      outboxDir: join(tempRoot, intersectionId),
      version: "1.2.3",
      backoff: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0.2 },
      connectTimeoutMs: 2000,
      ...overrides,
    };
  }
  async function openLink(options: MqttLinkOptionsInput, deps: MqttLinkDeps = {}): Promise<MqttLink> {
    const link = await MqttLink.open(options, deps);
    cleanups.push(() => link.close());
    return link;
  }
  async function observe(url: string, filter: string): Promise<{ messages: Received[]; client: MqttClient }> {
    const watcher = await watch(url, filter);
    cleanups.push(() => watcher.client.endAsync(true));
    return watcher;
  }

  it.skipIf(skip)("announces itself online (retained) and delivers measures in order with increasing seq", async () => {
    const options = setup();
    const hub = await observe(broker.url, topicFilter(REGION, options.intersectionId!, "+"));
    const link = await openLink(options);
    link.setStatus({ model: "virtual-loop", inferenceFps: 12.5 });
    const seqs: number[] = [];
    for (let n = 0; n < 20; n++) seqs.push(await link.publishMeasures(measures(n)));

    await until(() => framesOf(hub.messages).length >= 20, "20 measures");
    const arrived = hub.messages.filter((m) => m.kind === "measures");
    expect(framesOf(arrived)).toEqual(range(0, 20));
    expect(arrived.map((m) => m.body.seq)).toEqual(seqs);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    expect(arrived[0]!.topic).toBe(topicFor(REGION, options.intersectionId!, "measures"));
    await until(() => link.stats().pending === 0, "outbox drained");
    expect(link.stats()).toMatchObject({ connected: true, pending: 0, inFlight: 0, delivered: 20, dropped: 0 });

    // A hub that starts later still learns the agent is online, with the status the agent set.
    const lateHub = await observe(broker.url, topicFor(REGION, options.intersectionId!, "status"));
    await until(() => lateHub.messages.some((m) => m.body.model === "virtual-loop"), "retained status");
    const status = lateHub.messages[lateHub.messages.length - 1]!;
    expect(status.retain).toBe(true);
    expect(status.body).toMatchObject({ online: true, version: "1.2.3", model: "virtual-loop", inferenceFps: 12.5 });
  });

  it.skipIf(skip)("is marked offline by its last will when its connection dies uncleanly", async () => {
    const options = setup({ url: proxy.url });
    const hub = await observe(broker.url, topicFor(REGION, options.intersectionId!, "status"));
    await openLink(options);
    await until(() => hub.messages.some((m) => m.body.online === true), "online status");

    // The network cuts the connection with no DISCONNECT (as when the agent's process dies), and stays down.
    await proxy.stop();
    await until(() => hub.messages.some((m) => m.body.online === false), "last will");
    const will = hub.messages.find((m) => m.body.online === false)!;
    expect(will.body).toMatchObject({ online: false, intersectionId: options.intersectionId, version: "1.2.3" });

    const lateHub = await observe(broker.url, topicFor(REGION, options.intersectionId!, "status"));
    await until(() => lateHub.messages.length > 0, "retained will");
    expect(lateHub.messages[0]!.body.online).toBe(false);
  });

  it.skipIf(skip)("publishes a retained offline status itself when closed cleanly", async () => {
    const options = setup();
    const hub = await observe(broker.url, topicFor(REGION, options.intersectionId!, "status"));
    const link = await openLink(options);
    await until(() => link.stats().connected, "connected");
    await link.close();
    await until(() => hub.messages.some((m) => m.body.online === false), "offline status");
    const lateHub = await observe(broker.url, topicFor(REGION, options.intersectionId!, "status"));
    await until(() => lateHub.messages.length > 0, "retained offline status");
    expect(lateHub.messages[0]!.body).toMatchObject({ online: false, version: "1.2.3" });
    expect(lateHub.messages[0]!.retain).toBe(true);
  });

  it.skipIf(skip)("stores measures through a broker outage and an agent restart, then delivers each once, in order", async () => {
    const options = setup({ url: proxy.url });
    const filter = topicFor(REGION, options.intersectionId!, "measures");
    const before = await observe(broker.url, filter);
    const seqs: number[] = [];
    const first = await openLink(options);
    for (let n = 0; n < 5; n++) seqs.push(await first.publishMeasures(measures(n)));
    await until(() => first.stats().pending === 0 && framesOf(before.messages).length >= 5, "first measures delivered");

    // The link hangs: these are sent but never PUBACKed, so they must stay in the outbox.
    proxy.blackhole(true);
    for (let n = 5; n < 10; n++) seqs.push(await first.publishMeasures(measures(n)));
    await until(() => first.stats().inFlight === 5, "measures in flight");
    await new Promise((r) => setTimeout(r, 200));
    expect(first.stats()).toMatchObject({ pending: 5, inFlight: 5, delivered: 5 });

    // The outage: the agent's path is cut and the broker itself goes down.
    await proxy.stop();
    proxy.blackhole(false);
    await broker.stop();
    await until(() => !first.stats().connected, "link notices the outage");
    for (let n = 10; n < 15; n++) seqs.push(await first.publishMeasures(measures(n)));
    expect(first.stats().pending).toBe(10);
    await first.close();

    // The agent restarts mid-outage on the same outbox and keeps producing.
    const second = await openLink(options);
    expect(second.stats().pending).toBe(10);
    for (let n = 15; n < 20; n++) seqs.push(await second.publishMeasures(measures(n)));
    expect(second.stats().pending).toBe(15);
    await until(() => second.stats().reconnectAttempts >= 2, "retries during the outage");

    // The broker comes back; the hub resubscribes before the agent can reach it again.
    await broker.start();
    const after = await observe(broker.url, filter);
    await proxy.start();
    await until(() => second.stats().pending === 0, "backlog drained", 20_000);
    await until(() => distinctBySeq(after.messages).distinct.length >= 15, "backlog received");

    const all = [...before.messages, ...after.messages];
    const { distinct, duplicates } = distinctBySeq(all);
    expect(framesOf(distinct)).toEqual(range(0, 20));
    expect(distinct.map((m) => m.body.seq)).toEqual(seqs);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    // Only a message the broker took but whose PUBACK was lost may come twice (QoS 1); the
    // swallowed ones never reached it, so none does here.
    expect(duplicates).toBe(0);
  });

  it.skipIf(skip)("keeps the newest messages within the outbox bound and reports the oldest dropped", async () => {
    const options = setup({ url: proxy.url, outbox: { maxMessages: 10 } });
    await proxy.stop();
    const link = await openLink(options);
    for (let n = 0; n < 25; n++) await link.publishMeasures(measures(n));
    const stats = link.stats();
    expect(stats.pending).toBe(10);
    expect(stats.dropped).toBeGreaterThanOrEqual(15);

    const hub = await observe(broker.url, topicFilter(REGION, options.intersectionId!, "+"));
    await proxy.start();
    await until(() => link.stats().pending === 0, "bounded backlog drained");
    await until(() => hub.messages.filter((m) => m.kind !== "status").length >= 10, "backlog received");

    const kept = framesOf(distinctBySeq(hub.messages).distinct);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(kept).toEqual(range(25 - kept.length, 25));
    // Every message that is not here was counted as dropped (the alarm takes a slot too).
    expect(link.stats().dropped).toBeGreaterThanOrEqual(25 - kept.length);
    const alarms = hub.messages
      .filter((m) => m.kind === "events")
      .flatMap((m) => m.body.events as { type: string; alarm?: string; message?: string }[])
      .filter((e) => e.type === "alarm" && e.alarm === "outbox-drop");
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    expect(alarms[0]!.message).toMatch(/outbox full: dropped \d+ oldest messages/);
  });

  it.skipIf(skip)("backs off exponentially between failed attempts and starts over after a connection", async () => {
    const options = setup({ url: proxy.url, backoff: { initialMs: 100, maxMs: 1600, factor: 2, jitter: 0 } });
    const delays: number[] = [];
    // Record each delay but fire at once: the test sees the schedule without waiting it out.
    const timers: LinkTimers = {
      set: (callback, delayMs) => {
        delays.push(delayMs);
        return setTimeout(callback, 5);
      },
      clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    await proxy.stop();
    const link = await openLink(options, { timers });
    await until(() => delays.length >= 7, "seven retries");
    expect(delays.slice(0, 7)).toEqual([100, 200, 400, 800, 1600, 1600, 1600]);
    expect(link.stats().reconnectAttempts).toBeGreaterThanOrEqual(7);

    await proxy.start();
    await until(() => link.stats().connected, "connected");
    const afterConnect = delays.length;
    await proxy.stop();
    await until(() => delays.length > afterConnect, "retry after a lost connection");
    expect(delays[afterConnect]).toBe(100);
  });

  it.skipIf(skip)("hands the retained plan, valid plans and commands to their handlers and counts what it rejects", async () => {
    const options = setup();
    const id = options.intersectionId!;
    const now = Date.now();
    const plan = (planId: string, intersectionId = id) => ({
      ts: now,
      seq: 1,
      intersectionId,
      planId,
      cycleS: 90,
      offsetS: 0,
      splitsS: { "2": 45, "4": 45 },
      validUntil: now + 600_000,
      reason: "test",
    });
    const hub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => hub.endAsync(true));
    // The hub's plan is retained: an agent that connects later gets it at once.
    await hub.publishAsync(topicFor(REGION, id, "plan"), JSON.stringify(plan("p0")), { qos: 1, retain: true });

    const plans: Plan[] = [];
    const commands: Command[] = [];
    const link = await openLink(options, { onPlan: (p) => plans.push(p) });
    link.onCommand((c) => commands.push(c));
    // A throwing handler must not break the link.
    link.onCommand(() => {
      throw new Error("handler bug");
    });
    await until(() => plans.length >= 1, "retained plan");
    const planTopic = topicFor(REGION, id, "plan");
    const commandTopic = topicFor(REGION, id, "command");
    await hub.publishAsync(planTopic, JSON.stringify(plan("p1")), { qos: 1 });
    await hub.publishAsync(planTopic, "{not json", { qos: 1 });
    await hub.publishAsync(planTopic, JSON.stringify({ ...plan("p2"), cycleS: "ninety" }), { qos: 1 });
    await hub.publishAsync(planTopic, JSON.stringify(plan("p3", "someone-else")), { qos: 1 });
    await hub.publishAsync(planTopic, "x".repeat(70 * 1024), { qos: 1 });
    await hub.publishAsync(
      commandTopic,
      JSON.stringify({ ts: now, seq: 2, intersectionId: id, commandId: "c1", issuedBy: "operator", command: { action: "flash" } }),
      { qos: 1 },
    );
    await hub.publishAsync(planTopic, JSON.stringify(plan("p4")), { qos: 1 });

    await until(() => plans.length >= 3 && commands.length >= 1, "valid plans and command");
    await until(() => Object.values(link.stats().rejected).reduce((a, b) => a + b, 0) >= 4, "rejections counted");
    expect(plans.map((p) => p.planId)).toEqual(["p0", "p1", "p4"]);
    expect(commands.map((c) => c.commandId)).toEqual(["c1"]);
    expect(link.stats().rejected).toEqual({ bad_topic: 0, too_large: 1, too_deep: 0, too_many_items: 0, string_too_long: 0, bad_json: 1, invalid: 1, id_mismatch: 1 });

    // Still working: measures go out after the rejections.
    const watcher = await observe(broker.url, topicFor(REGION, id, "measures"));
    await link.publishMeasures(measures(1));
    await until(() => watcher.messages.length >= 1, "measures after rejections");
    expect(link.stats().connected).toBe(true);
  });

  it.skipIf(skip)("refuses invalid options and payloads with the bad field named", async () => {
    await expect(MqttLink.open({ ...setup(), url: "http://example" })).rejects.toThrow(/link\.url/);
    await expect(MqttLink.open({ ...setup(), intersectionId: "a/b" })).rejects.toThrow(/link\.intersectionId/);
    const link = await openLink(setup());
    await expect(link.publishMeasures({ ...measures(1), approaches: [] })).rejects.toThrow(/measures\.approaches/);
    expect(() => link.setStatus({ inferenceFps: -1 })).toThrow(/status\.inferenceFps/);
    expect(link.stats().pending).toBe(0);
  });
});

describe.skipIf(mosquittoBinary.skip)("MqttLink over websockets", () => {
  let broker: ManagedServer;
  let wsPort: number;
  let dir: string;
  beforeAll(async () => {
    wsPort = await freePort();
    broker = await startMosquitto([`listener ${wsPort} 127.0.0.1`, "protocol websockets"]);
    dir = await mkdtemp(join(tmpdir(), "mqtt-link-ws-"));
  });
  afterAll(async () => {
    await broker?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("delivers measures through a ws:// URL", async () => {
    const hub = await watch(broker.url, topicFor(REGION, "ws-i1", "measures"));
    const link = await MqttLink.open({ url: `ws://127.0.0.1:${wsPort}`, region: REGION, intersectionId: "ws-i1", outboxDir: dir });
    try {
      const seq = await link.publishMeasures(measures(7));
      await until(() => hub.messages.length >= 1, "measures over websockets");
      expect(hub.messages[0]!.body).toMatchObject({ seq, framesProcessed: 7 });
    } finally {
      await link.close();
      await hub.client.endAsync(true);
    }
  });
});
