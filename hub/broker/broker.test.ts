import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectClient, record, refusalCode, subackCodes, waitUntil } from "../../tests/support/mqtt.js";
import { startBroker, type RunningBroker } from "./server.js";
import { A, B, HUB, expectRetainedPlanRoundTrip, startTestBroker } from "./test-support/test-broker.js";

let broker: RunningBroker;
const clients: MqttClient[] = [];

async function connect(credentials: { username: string; password: string }, extra: Parameters<typeof connectClient>[1] = {}, url = broker.url): Promise<MqttClient> {
  const client = await connectClient(url, { ...credentials, ...extra });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  broker = await startTestBroker();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

afterAll(async () => {
  await broker?.stop();
});

describe("hub broker logins", () => {
  it("refuses a wrong password, an unknown user and an anonymous client", async () => {
    const before = broker.stats().authFailures;
    expect(await refusalCode(broker.url, { username: A.username, password: "nope" })).toBe(4);
    expect(await refusalCode(broker.url, { username: B.username, password: A.password })).toBe(4);
    expect(await refusalCode(broker.url, { username: "who", password: "x" })).toBe(4);
    expect(await refusalCode(broker.url, {})).toBe(5);
    expect(broker.stats().authFailures).toBe(before + 4);
  });

  it("accepts devices with hashed and plain passwords and counts connected clients", async () => {
    await connect(A);
    await connect(B);
    await waitUntil(() => broker.stats().clientsConnected === 2, "two connected clients");
  });
});

describe("hub broker ACL", () => {
  it("drops a device's publish under another intersection's id, keeps it connected, and delivers its own", async () => {
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/#", { qos: 1 });
    const device = await connect(A);
    const deniedBefore = broker.stats().deniedPublishes;

    await device.publishAsync("traffic/v1/north/i-b/measures", "forged", { qos: 1 });
    await device.publishAsync("traffic/v1/south/i-a/measures", "wrong region", { qos: 1 });
    await device.publishAsync("traffic/v1/north/i-a/measures", "own", { qos: 1 });

    await waitUntil(() => seen.some((m) => m.body === "own"), "the device's own measures");
    expect(seen.map((m) => m.topic)).toEqual(["traffic/v1/north/i-a/measures"]);
    expect(broker.stats().deniedPublishes).toBe(deniedBefore + 2);
    expect(device.connected).toBe(true);
  });

  it("never stores a denied retained publish", async () => {
    const device = await connect(A);
    await device.publishAsync("traffic/v1/north/i-b/status", "forged retained", { qos: 1, retain: true });
    await device.publishAsync("traffic/v1/north/i-a/status", "own retained", { qos: 1, retain: true });
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/north/+/status", { qos: 1 });
    await waitUntil(() => seen.some((m) => m.body === "own retained"), "the own retained status");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((m) => m.body)).toEqual(["own retained"]);
    await hub.publishAsync("traffic/v1/north/i-a/status", "", { qos: 1, retain: true }); // clear it for later tests
  });

  it("refuses a device subscribing to another device's plan, and to wildcards, with SUBACK failure", async () => {
    const device = await connect(A);
    const before = broker.stats().deniedSubscribes;
    const codes = await subackCodes(device, [
      "traffic/v1/north/i-b/plan",
      "traffic/v1/north/+/plan",
      "traffic/v1/north/i-a/plan",
      "traffic/v1/north/i-a/command",
    ]);
    expect(codes).toEqual([128, 128, 1, 1]);
    expect(broker.stats().deniedSubscribes).toBe(before + 2);

    const received = record(device);
    const hub = await connect(HUB);
    await hub.publishAsync("traffic/v1/north/i-b/plan", "b's plan", { qos: 1 });
    await hub.publishAsync("traffic/v1/north/i-a/plan", "a's plan", { qos: 1 });
    await waitUntil(() => received.length > 0, "a's plan");
    expect(received.map((m) => m.body)).toEqual(["a's plan"]);
  });

  it("lets the hub account publish plans and subscribe with wildcards under traffic/v1/ only", async () => {
    const hub = await connect(HUB);
    expect(await subackCodes(hub, ["traffic/v1/+/+/measures", "#"])).toEqual([1, 128]);
    const seen = record(hub);
    const device = await connect(B);
    await device.publishAsync("traffic/v1/north/i-b/measures", "from b", { qos: 1 });
    await waitUntil(() => seen.length === 1, "b's measures");
    expect(seen[0]).toMatchObject({ topic: "traffic/v1/north/i-b/measures", body: "from b" });
  });

  it("drops a payload over maxPayloadBytes and counts it", async () => {
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/north/i-a/events", { qos: 1 });
    const device = await connect(A);
    const before = broker.stats();
    await device.publishAsync("traffic/v1/north/i-a/events", "x".repeat(4097), { qos: 1 });
    await device.publishAsync("traffic/v1/north/i-a/events", "x".repeat(4096), { qos: 1 });
    await waitUntil(() => seen.length > 0, "the payload at the limit");
    expect(seen.map((m) => m.body.length)).toEqual([4096]);
    expect(broker.stats().oversizedPublishes).toBe(before.oversizedPublishes + 1);
    expect(broker.stats().deniedPublishes).toBe(before.deniedPublishes + 1);
  });

  it("does not deliver a last will that breaks the ACL, but delivers one that keeps it", async () => {
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/north/+/status", { qos: 1 });
    const before = broker.stats().deniedWills;
    const a = await connect(A, { will: { topic: "traffic/v1/north/i-b/status", payload: Buffer.from("forged will"), qos: 1, retain: false } });
    const b = await connect(B, { will: { topic: "traffic/v1/north/i-b/status", payload: Buffer.from("b's will"), qos: 1, retain: false } });
    a.end(true); // no DISCONNECT: the broker sees the connection die and fires the will
    b.end(true);
    await waitUntil(() => seen.some((m) => m.body === "b's will") && broker.stats().deniedWills === before + 1, "b's will and a's refused will");
    expect(seen.map((m) => m.body)).toEqual(["b's will"]);
  });

  it("serves devices over MQTT-over-websocket with the same logins and ACL", async () => {
    expect(broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(await refusalCode(broker.wsUrl!, { username: A.username, password: "nope" })).toBe(4);
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/#", { qos: 1 });
    const device = await connect(A, {}, broker.wsUrl!);
    await device.publishAsync("traffic/v1/north/i-b/signal", "forged over ws", { qos: 1 });
    await device.publishAsync("traffic/v1/north/i-a/signal", "over ws", { qos: 1 });
    await waitUntil(() => seen.length > 0, "the websocket device's signal");
    expect(seen.map((m) => m.body)).toEqual(["over ws"]);
  });
});

describe("hub broker in-process side", () => {
  it("delivers a device's messages to a local subscriber in order, and a local retained plan to the device and to later subscribers", async () => {
    const seen: { topic: string; body: string; retained: boolean }[] = [];
    const unsubscribe = await broker.local.subscribe("traffic/v1/north/+/measures", (topic, payload, retained) => seen.push({ topic, body: payload.toString(), retained }));
    const a = await connect(A);
    for (let i = 0; i < 50; i++) a.publish("traffic/v1/north/i-a/measures", `m${i}`, { qos: 1 });
    await waitUntil(() => seen.length === 50, "fifty measures");
    expect(seen.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(seen.every((m) => m.topic === "traffic/v1/north/i-a/measures" && !m.retained)).toBe(true);
    unsubscribe();

    await expectRetainedPlanRoundTrip(broker.local, await connect(B));
  });

  it("survives a burst of thousands of messages queued behind slow deliveries", async () => {
    // Deliveries to a QoS 1 subscriber finish asynchronously and hold aedes' in-flight slots; the
    // messages behind them, to nobody, finish synchronously. With aedes' default cap of 100 in
    // flight, draining that queue recursed once per message and overflowed the stack.
    const b = await connect(B);
    const got = record(b);
    await b.subscribeAsync("traffic/v1/north/i-b/plan", { qos: 1 });
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) sends.push(broker.local.publish("traffic/v1/north/i-b/plan", `p${i}`, { retain: false }));
    for (let i = 0; i < 30_000; i++) sends.push(broker.local.publish("traffic/v1/north/i-a/measures", `m${i}`, { retain: false }));
    await Promise.all(sends);
    await waitUntil(() => got.length === 300, "every plan at the device");
    expect(got.map((m) => m.body)).toEqual(Array.from({ length: 300 }, (_, i) => `p${i}`));
  });
});

describe("hub broker lifecycle", () => {
  it("stop() disconnects clients and frees both ports", async () => {
    const own = await startBroker({ port: 0, websocket: { port: 0 }, hub: HUB });
    const client = await connectClient(own.url, HUB);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await own.stop();
    await closed;
    await own.stop(); // twice is harmless
    await expect(connectClient(own.url, HUB)).rejects.toThrow();
    client.end(true);
    const again = await startBroker({ port: own.port, websocket: { port: own.wsPort! }, hub: HUB });
    await again.stop();
  });

  it("refuses a config with a bad field before listening", async () => {
    await expect(startBroker({ devices: [{ username: "x", password: "y", intersectionId: "bad id", region: "r" }] })).rejects.toThrow(
      /broker\.devices\[0\]\.intersectionId/,
    );
  });
});
