import type { FastifyInstance } from "fastify";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { connectClient, waitUntil } from "../../tests/support/mqtt.js";
import { Hub } from "../hub.js";
import { buildApi } from "./app.js";
import type { IntersectionSummary } from "./contract.js";
import { DEVICE, hubConfig, publishAs, signalOf, TOKENS } from "./test-fixtures.js";

interface LiveMessage {
  type: string;
  role?: string;
  intersections?: IntersectionSummary[];
  intersection?: { intersectionId: string; groups: Record<string, string> | null };
}

let hub: Hub;
let app: FastifyInstance;
let device: MqttClient;
let wsUrl: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  // Many intersections with long names make a snapshot a few hundred kB.
  hub = await Hub.start(hubConfig({ extraIntersections: 800, wsMaxBufferedBytes: 64 * 1024 }));
  app = await buildApi(hub, { liveIntervalMs: 250, liveLagTerminateMs: 1500 });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  wsUrl = `${address.replace(/^http/, "ws")}/api/live`;
  device = await connectClient(hub.brokerUrl, { username: DEVICE.username, password: DEVICE.password, clientId: "edge-x1-live" });
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await device?.endAsync();
  await app?.close();
  await hub?.stop();
});

/** A live client that records every message; resolves once open. */
async function connect(url = `${wsUrl}?token=${TOKENS.viewer}`, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; received: LiveMessage[] }> {
  const socket = new WebSocket(url, { headers });
  sockets.push(socket);
  const received: LiveMessage[] = [];
  socket.on("message", (data) => received.push(JSON.parse(data.toString()) as LiveMessage));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, received };
}

/** The HTTP status a refused websocket handshake gets. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("open", () => reject(new Error("the handshake was accepted")));
    socket.once("error", () => undefined);
  });
}

function metric(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

async function metrics(): Promise<string> {
  return (await app.inject({ method: "GET", url: "/metrics" })).body;
}

async function pollUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const updatesFor = (received: LiveMessage[], id: string): IntersectionSummary[] =>
  received.filter((m) => m.type === "update").flatMap((m) => (m.intersections ?? []).filter((s) => s.intersectionId === id));

describe("live websocket stream", () => {
  it("refuses a connection without a known token", async () => {
    expect(await refusedStatus(wsUrl)).toBe(401);
    expect(await refusedStatus(`${wsUrl}?token=not-a-token-of-this-hub`)).toBe(401);
  });

  it("greets with the role and a snapshot of every intersection, and sends one again on resync", async () => {
    const { socket, received } = await connect(wsUrl, { authorization: `Bearer ${TOKENS.operator}` });
    await waitUntil(() => received.length >= 2, "hello and snapshot");
    expect(received[0]).toMatchObject({ type: "hello", role: "operator" });
    expect(received[1]!.type).toBe("snapshot");
    expect(received[1]!.intersections).toHaveLength(802);
    socket.send(JSON.stringify({ type: "resync" }));
    await waitUntil(() => received.filter((m) => m.type === "snapshot").length === 2, "the second snapshot");
    socket.close();
  });

  it("streams a device's signal change as an update with the new groups, coalesced per interval", async () => {
    const { socket, received } = await connect();
    await waitUntil(() => received.some((m) => m.type === "snapshot"), "the snapshot");
    const changes = 30;
    for (let i = 0; i < changes; i++) await publishAs(device, "signal", signalOf(i % 2 === 0 ? { a: "G", b: "R" } : { a: "Y", b: "R" }));
    await publishAs(device, "signal", signalOf({ a: "R", b: "G" }));
    await waitUntil(() => updatesFor(received, "x1").at(-1)?.groups?.["b"] === "G", "the final signal in an update");
    // Each update names an intersection once, and 31 changes arrived in fewer updates than changes.
    for (const m of received.filter((x) => x.type === "update")) {
      const ids = (m.intersections ?? []).map((s) => s.intersectionId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(updatesFor(received, "x1").length).toBeLessThan(changes + 1);
    socket.close();
  });

  it("sends a subscribed intersection's detail when it changes", async () => {
    const { socket, received } = await connect();
    socket.send(JSON.stringify({ type: "subscribe", intersectionId: "x1" }));
    await waitUntil(() => received.some((m) => m.type === "detail"), "the first detail");
    await publishAs(device, "signal", signalOf({ a: "G", b: "Y" }));
    await waitUntil(() => received.filter((m) => m.type === "detail").at(-1)?.intersection?.groups?.["b"] === "Y", "the detail after the change");
    socket.close();
  });

  it("keeps delivering to other clients while one never reads, then disconnects the one that never reads", async () => {
    const slow = await connect();
    // Ask for many snapshots, then stop reading: its send buffer fills past the cap.
    for (let i = 0; i < 60; i++) slow.socket.send(JSON.stringify({ type: "resync" }));
    slow.socket.pause();
    await pollUntil(async () => metric(await metrics(), "traffic_hub_websocket_lagging_clients") === 1, "the slow client marked lagging");
    const fast = await connect();
    await waitUntil(() => fast.received.some((m) => m.type === "snapshot"), "the fast client's snapshot");
    await publishAs(device, "signal", signalOf({ a: "R", b: "R" }));
    await waitUntil(() => updatesFor(fast.received, "x1").some((s) => s.groups?.["a"] === "R" && s.groups?.["b"] === "R"), "the update at the fast client");
    await pollUntil(async () => metric(await metrics(), "traffic_hub_websocket_clients_terminated_total") >= 1, "the slow client cut off");
    const after = await metrics();
    expect(metric(after, "traffic_hub_websocket_updates_skipped_total")).toBeGreaterThanOrEqual(1);
    expect(metric(after, "traffic_hub_websocket_lagging_clients")).toBe(0);
    fast.socket.close();
  });
});
