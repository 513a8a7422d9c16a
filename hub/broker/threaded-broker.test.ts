import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, type DecodeResult } from "../../protocol/index.js";
import { connectClient, record, refusalCode, waitUntil } from "../../tests/support/mqtt.js";
import { startBrokerThread, type ThreadedBroker } from "./threaded-broker.js";
import { A, B, HUB, expectRetainedPlanRoundTrip, testBrokerConfig } from "./test-support/test-broker.js";

// The broker in its own thread (the hub's default): the same broker as broker.test.ts, reached
// through the thread's message port.
let broker: ThreadedBroker;
const clients: MqttClient[] = [];

async function connect(credentials: { username: string; password: string }, extra: Parameters<typeof connectClient>[1] = {}): Promise<MqttClient> {
  const client = await connectClient(broker.url, { ...credentials, ...extra });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  broker = await startBrokerThread(await testBrokerConfig());
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

afterAll(async () => {
  await broker?.stop();
});

const measures = (seq: number): { topic: string; body: string } =>
  encodeMessage("north", "measures", { ts: Date.now(), seq, intersectionId: "i-a", intervalMs: 5000, modelId: "m", framesProcessed: 25, approaches: [{ approachId: "E", count: seq, countsByClass: {}, queue: 0, occupancy: 0 }] });

describe("the broker in its own thread", () => {
  it("delivers a device's messages to a main-thread subscriber in order, and a local retained plan to the device and to later subscribers", async () => {
    const seen: string[] = [];
    const unsubscribe = await broker.local.subscribe("traffic/v1/north/+/measures", (_topic, payload) => seen.push(payload.toString()));
    const a = await connect(A);
    for (let i = 0; i < 200; i++) a.publish("traffic/v1/north/i-a/measures", `m${i}`, { qos: 1 });
    await waitUntil(() => seen.length === 200, "200 measures");
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    unsubscribe();

    await expectRetainedPlanRoundTrip(broker.local, await connect(B));
  });

  it("reports the thread's own heap, which grows with what the thread holds", async () => {
    await waitUntil(() => broker.heap() !== null, "the thread's first heap figures");
    const before = broker.heap()!;
    expect(before.used).toBeGreaterThan(0);
    expect(before.used).toBeLessThanOrEqual(before.size);
    // A retained 1 MB payload lives in the thread's retained store (a buffer outside the V8 heap).
    await broker.local.publish("traffic/v1/north/i-a/config", Buffer.alloc(1 << 20, 120), { retain: true });
    await waitUntil(() => broker.heap()!.external - before.external >= 1 << 20, "the thread's external memory up by the retained 1 MB");
    await broker.local.publish("traffic/v1/north/i-a/config", "", { retain: true });
  });

  it("decodes and validates device messages in the thread: the main thread gets payloads and reject reasons", async () => {
    const seen: DecodeResult[] = [];
    const unsubscribe = await broker.local.subscribeDecoded("traffic/v1/north/+/measures", (_topic, message) => seen.push(message));
    const a = await connect(A);
    const good = measures(7);
    await a.publishAsync(good.topic, good.body, { qos: 1 });
    await a.publishAsync(good.topic, "{not json", { qos: 1 });
    await a.publishAsync(good.topic, JSON.stringify({ ...JSON.parse(good.body), intersectionId: "i-b" }), { qos: 1 });
    await waitUntil(() => seen.length === 3, "three messages");
    expect(seen.map((m) => (m.ok ? `${m.kind}:${m.payload.seq}` : m.reason))).toEqual(["measures:7", "bad_json", "id_mismatch"]);
    // What crossed the thread is what decodeMessage gives in process.
    expect(seen[0]).toEqual(decodeMessage(good.topic, good.body));
    expect(seen[2]).toEqual(decodeMessage(good.topic, JSON.stringify({ ...JSON.parse(good.body), intersectionId: "i-b" })));
    unsubscribe();
  });

  it("lets a rejected message go without waiting for the main thread, which only counts it", async () => {
    const seen: DecodeResult[] = [];
    const unsubscribe = await broker.local.subscribeDecoded("traffic/v1/north/+/measures", (_topic, message) => seen.push(message));
    // In a thread of their own, a subscriber on the hub's account and a device that sends bad
    // messages in two bursts, the second once the subscriber has the first; `delivered` is raised
    // when the subscriber has both. Meanwhile this (main) thread is blocked and cannot answer the
    // broker thread's batches. aedes reads a client's next bytes once the messages of its last read
    // are done with, and a valid message is done when the main thread has it: only rejects let go
    // in the broker thread let the second burst be read meanwhile.
    const delivered = new Int32Array(new SharedArrayBuffer(4));
    const clients = new Worker(
      `const { workerData: d } = require("node:worker_threads");
       const net = require("node:net");
       const mqtt = require(d.mqtt);
       const field = (s) => { const b = Buffer.from(s); return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]); };
       const packet = (type, body) => Buffer.concat([Buffer.from([type, body.length]), body]); // bodies under 128 bytes
       const burst = (from) => Buffer.concat(Array.from({ length: d.burst }, (_, i) => packet(0x30, Buffer.concat([field(d.topic), Buffer.from("{not json " + (from + i))]))));
       (async () => {
         const sub = await mqtt.connectAsync(d.url, { ...d.hub, reconnectPeriod: 0 });
         await sub.subscribeAsync(d.topic, { qos: 0 });
         const device = net.connect(d.port, "127.0.0.1");
         let n = 0;
         sub.on("message", () => {
           n++;
           if (n === d.burst) device.write(burst(d.burst));
           if (n === 2 * d.burst) { Atomics.store(d.delivered, 0, 1); Atomics.notify(d.delivered, 0); }
         });
         device.once("data", () => device.write(burst(0))); // the CONNACK
         device.write(packet(0x10, Buffer.concat([field("MQTT"), Buffer.from([4, 0xc2, 0, 60]), field("burst-device"), field(d.device.username), field(d.device.password)])));
       })();`,
      { eval: true, workerData: { mqtt: createRequire(import.meta.url).resolve("mqtt"), port: broker.port, url: broker.url, hub: HUB, device: A, topic: measures(1).topic, burst: 10, delivered } },
    );
    try {
      await new Promise<void>((resolve) => clients.once("online", () => resolve()));
      expect(Atomics.wait(delivered, 0, 0, 20_000)).not.toBe("timed-out");
      await waitUntil(() => seen.length === 20, "every reject counted on the main thread");
      expect(new Set(seen.map((m) => (m.ok ? m.kind : m.reason)))).toEqual(new Set(["bad_json"]));
    } finally {
      await clients.terminate();
      unsubscribe();
    }
  });

  it("keeps the main thread's publishes in order across thousands in flight", async () => {
    const b = await connect(B);
    const got = record(b);
    await b.subscribeAsync("traffic/v1/north/i-b/plan", { qos: 1 });
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) sends.push(broker.local.publish("traffic/v1/north/i-b/plan", `p${i}`, { retain: false }));
    for (let i = 0; i < 10_000; i++) sends.push(broker.local.publish("traffic/v1/north/i-a/measures", `m${i}`, { retain: false }));
    await Promise.all(sends);
    await waitUntil(() => got.length === 300, "every plan at the device");
    expect(got.map((m) => m.body)).toEqual(Array.from({ length: 300 }, (_, i) => `p${i}`));
  });

  it("brings its counters to the main thread: refused logins and denied publishes", async () => {
    const before = broker.stats();
    expect(await refusalCode(broker.url, { username: A.username, password: "nope" })).toBe(4);
    const a = await connect(A);
    await a.publishAsync("traffic/v1/north/i-b/signal", "forged", { qos: 1 });
    await waitUntil(() => broker.stats().authFailures === before.authFailures + 1 && broker.stats().deniedPublishes === before.deniedPublishes + 1, "the counters");
    expect(broker.stats().clientsConnected).toBeGreaterThanOrEqual(1);
  });

  it("refuses a bad configuration with the field named, before listening", async () => {
    await expect(startBrokerThread({ devices: [{ username: "x", password: "y", intersectionId: "bad id", region: "r" }] })).rejects.toThrow(/broker\.devices\[0\]\.intersectionId/);
  });
});

describe("a broker thread that dies", () => {
  it("is reported: `failed` settles, the client is no longer running, publishes reject, and devices are cut off", async () => {
    const own = await startBrokerThread({ port: 0, hub: HUB });
    const device = await connectClient(own.url, HUB);
    const closed = new Promise<void>((resolve) => device.once("close", () => resolve()));
    let failure: Error | null = null;
    void own.failed.then((err) => (failure = err));
    expect(own.local.running).toBe(true);
    await own.worker.terminate(); // as an uncaught error in the thread would end it
    const err = await own.failed;
    expect(err.message).toMatch(/broker thread exited/);
    expect(failure).toBe(err);
    expect(own.local.running).toBe(false);
    await expect(own.local.publish("traffic/v1/north/i-a/plan", "x", { retain: false })).rejects.toThrow(/broker thread exited/);
    await closed;
    device.end(true);
    await own.stop(); // harmless after a crash
  });

  it("is not a failure when the hub stops it", async () => {
    const own = await startBrokerThread({ port: 0, hub: HUB });
    const settled = Promise.race([own.failed.then(() => "failed"), own.stop().then(() => "stopped")]);
    expect(await settled).toBe("stopped");
    expect(own.local.running).toBe(false);
    await expect(connectClient(own.url, HUB)).rejects.toThrow();
  });
});
