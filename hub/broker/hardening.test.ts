import { connect as tcpConnect, type Socket } from "node:net";
import mqtt, { MqttClient, type IClientOptions } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectClient, record, refusalCode, waitUntil } from "../../tests/support/mqtt.js";
import type { RunningBroker } from "./server.js";
import { A, B, HUB, startTestBroker } from "./test-support/test-broker.js";

let broker: RunningBroker;
const clients: MqttClient[] = [];
const sockets: Socket[] = [];

async function connect(credentials: { username: string; password: string }, extra: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectClient(broker.url, { ...credentials, ...extra });
  clients.push(client);
  return client;
}

/** An mqtt.js client whose TCP connection comes from `localAddress` (anything in 127/8 is loopback). */
function clientFrom(localAddress: string, options: IClientOptions): Promise<MqttClient> {
  const client = new MqttClient(() => tcpConnect({ host: broker.host, port: broker.port, localAddress }), { protocolVersion: 4, reconnectPeriod: 0, ...options });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
    client.once("close", () => reject(new Error("closed before CONNACK")));
  });
}

async function codeFrom(localAddress: string, options: IClientOptions): Promise<number> {
  try {
    await clientFrom(localAddress, options);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "number") return code;
    throw err;
  }
  return 0;
}

/** A raw TCP connection; resolves with what happened once the broker closes it. */
function raw(): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: broker.host, port: broker.port });
    sockets.push(socket);
    socket.on("error", () => undefined);
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.once("connect", () => resolve({ socket, closed }));
    socket.once("error", reject);
  });
}

beforeAll(async () => {
  broker = await startTestBroker({
    preLoginMaxPacketBytes: 1024,
    maxConnections: 8,
    loginBackoff: { freeFailures: 2, baseDelayMs: 60_000 },
    publishRate: { perSecond: 0.001, burst: 20 },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  for (const s of sockets.splice(0)) s.destroy();
  await waitUntil(() => broker.stats().clientsConnected === 0, "every client gone");
});

afterAll(async () => {
  await broker?.stop();
});

describe("client ids bound to their account", () => {
  it("refuses another account taking over a connected device's client id, and keeps the device connected", async () => {
    const a = await connect(A, { clientId: "edge-i-a" });
    const before = broker.stats().refusals.client_id_taken;
    expect(await refusalCode(broker.url, { ...B, clientId: "edge-i-a" })).toBe(2);
    expect(broker.stats().refusals.client_id_taken).toBe(before + 1);
    // Still connected and still delivering: the takeover never reached aedes.
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/north/i-a/measures", { qos: 1 });
    await a.publishAsync("traffic/v1/north/i-a/measures", "still here", { qos: 1 });
    await waitUntil(() => seen.length === 1, "a's measures after the takeover attempt");
    expect(a.connected).toBe(true);
  });

  it("refuses the takeover of an id its owner is not using right now", async () => {
    const a = await connect(A, { clientId: "edge-i-a-offline" });
    await a.endAsync();
    expect(await refusalCode(broker.url, { ...B, clientId: "edge-i-a-offline" })).toBe(2);
  });

  it("lets the same account reconnect with its id (the new connection replaces the old)", async () => {
    const first = await connect(A, { clientId: "edge-i-a-again" });
    const closed = new Promise<void>((r) => first.once("close", () => r()));
    const second = await connect(A, { clientId: "edge-i-a-again" });
    await closed;
    expect(second.connected).toBe(true);
  });
});

describe("packet size limited while reading", () => {
  it("closes a connection whose first packet declares more than the pre-login limit, before the body arrives", async () => {
    const before = broker.stats().refusals.packet_too_large_before_login;
    const { socket, closed } = await raw();
    // CONNECT fixed header claiming 200 MiB, then a little of it: nothing more is read or buffered.
    socket.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]));
    socket.write(Buffer.alloc(512, 1));
    await closed;
    expect(broker.stats().refusals.packet_too_large_before_login).toBe(before + 1);
  });

  it("closes a connection that sends a malformed remaining length", async () => {
    const before = broker.stats().refusals.malformed_packet_length;
    const { socket, closed } = await raw();
    socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    await closed;
    expect(broker.stats().refusals.malformed_packet_length).toBe(before + 1);
  });

  it("after login allows the payload limit (dropped, counted) but closes a connection on a packet far over it", async () => {
    const device = await connect(A);
    const before = broker.stats();
    await device.publishAsync("traffic/v1/north/i-a/events", "x".repeat(5000), { qos: 1 });
    expect(broker.stats().oversizedPublishes).toBe(before.oversizedPublishes + 1);
    expect(device.connected).toBe(true);
    const closed = new Promise<void>((r) => device.once("close", () => r()));
    device.publish("traffic/v1/north/i-a/events", Buffer.alloc(64 * 1024), { qos: 0 });
    await closed;
    expect(broker.stats().refusals.packet_too_large).toBe(before.refusals.packet_too_large + 1);
  });

  it("also guards MQTT over websocket", async () => {
    const before = broker.stats().refusals.packet_too_large_before_login;
    const client = mqtt.connect(broker.wsUrl!, { reconnectPeriod: 0, username: A.username, password: "p".repeat(4000), connectTimeout: 5000 });
    clients.push(client);
    await new Promise<void>((r) => client.once("close", () => r()));
    expect(broker.stats().refusals.packet_too_large_before_login).toBe(before + 1);
  });
});

describe("connection cap", () => {
  it("closes connections beyond maxConnections at once and counts them", async () => {
    const before = broker.stats().refusals.connection_cap;
    const held = await Promise.all(Array.from({ length: 8 }, () => raw()));
    const extra = await raw();
    await extra.closed;
    expect(broker.stats().refusals.connection_cap).toBe(before + 1);
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await waitUntil(() => broker.stats().refusals.connection_cap === before + 1, "cap count unchanged");
  });
});

describe("login backoff per address", () => {
  it("makes an address that keeps failing wait, without checking its passwords, while devices elsewhere log in", async () => {
    const before = broker.stats();
    expect(await codeFrom("127.0.0.2", { username: A.username, password: "wrong" })).toBe(4);
    expect(await codeFrom("127.0.0.2", { username: "nobody", password: "wrong" })).toBe(4);
    // Blocked now: even the right password from there is refused without a check.
    expect(await codeFrom("127.0.0.2", { ...A })).toBe(3);
    expect(await codeFrom("127.0.0.2", { ...B })).toBe(3);
    // (Code 3 for the right passwords: they were never checked, or they would have been accepted.)
    const after = broker.stats();
    expect(after.authFailures).toBeGreaterThanOrEqual(before.authFailures + 2);
    expect(after.refusals.login_backoff).toBeGreaterThanOrEqual(before.refusals.login_backoff + 2);
    // Another address is unaffected.
    expect(await codeFrom("127.0.0.3", { ...B })).toBe(0);
  });
});

describe("per-device publish rate", () => {
  it("drops and counts a device's messages beyond its burst, and keeps its connection", async () => {
    const hub = await connect(HUB);
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/north/i-b/events", { qos: 1 });
    const device = await connect(B);
    const before = broker.stats().refusals.rate_limited;
    for (let i = 0; i < 30; i++) await device.publishAsync("traffic/v1/north/i-b/events", `m${i}`, { qos: 1 });
    await waitUntil(() => broker.stats().refusals.rate_limited === before + 10, "ten messages over the burst");
    await hub.publishAsync("traffic/v1/north/i-b/events", "marker", { qos: 1 });
    await waitUntil(() => seen.some((m) => m.body === "marker"), "the marker");
    expect(seen.filter((m) => m.body !== "marker")).toHaveLength(20);
    expect(device.connected).toBe(true);
  });
});
