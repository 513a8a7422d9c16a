import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage } from "../protocol/index.js";
import { connectClient, record, waitUntil } from "../tests/support/mqtt.js";
import { TIMING } from "./api/test-fixtures.js";
import type { ThreadedBroker } from "./broker/index.js";
import type { HubConfigInput } from "./config.js";
import { startHubServer, type RunningHubServer } from "./server.js";
import { controllerConfigMessage } from "./test-support/controller-config.js";
import { measuresAt } from "./test-support/measures.js";

// The hub with its broker in a thread of its own (the default): devices in, plans out, and a
// thread that dies is a hub failure, not a silent hang.
let server: RunningHubServer | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await server?.stop();
  server = undefined;
});

function config(): HubConfigInput {
  return {
    broker: { type: "embedded", port: 0, devices: [{ username: "dev-x1", password: "device-secret-1", intersectionId: "x1", region: "north" }] },
    api: { port: 0 },
    intersections: [{ intersectionId: "x1", region: "north", position: { xM: 0, yM: 0 }, timing: TIMING }],
    planning: { clock: "measures" },
    log: { level: "silent" },
  };
}

async function device(url: string): Promise<MqttClient> {
  const client = await connectClient(url, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1" });
  clients.push(client);
  return client;
}

describe("the hub with its broker in its own thread", () => {
  it("takes a device's messages into its store through the thread, refuses a bad one by reason, and sends its plan back out", async () => {
    server = await startHubServer(config());
    const hub = server.hub;
    expect((hub.broker as ThreadedBroker).worker.threadId).toBeGreaterThan(0);
    const edge = await device(hub.brokerUrl);
    await edge.subscribeAsync("traffic/v1/north/x1/plan", { qos: 1 });
    const received = record(edge);
    const t0 = Date.now();
    const controller = encodeMessage("north", "config", controllerConfigMessage("x1", undefined, t0));
    await edge.publishAsync(controller.topic, controller.body, { qos: 1, retain: true });
    const m = encodeMessage("north", "measures", measuresAt(1, t0, 40, 8));
    await edge.publishAsync(m.topic, m.body, { qos: 1 });
    await waitUntil(() => hub.store.get("x1")?.measures?.seq === 1, "the measures in the store");
    await edge.publishAsync(m.topic, JSON.stringify({ ...measuresAt(2, t0, 40, 8), approaches: "many" }), { qos: 1 });
    await waitUntil(() => hub.metrics().ingest.rejects.invalid === 1, "the invalid measures counted");
    expect(hub.store.get("x1")?.measures?.seq).toBe(1);
    await waitUntil(() => received.length > 0, "a plan at the device");
    const plan = decodeMessage(received[0]!.topic, received[0]!.body);
    expect(plan.ok && plan.kind === "plan" && plan.payload.intersectionId).toBe("x1");
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { status: string };
    expect(health.status).toBe("ok");
    // Each isolate's heap on /metrics, the thread's as it last reported it.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const thread of ["main", "broker"]) {
      const used = Number(new RegExp(`^traffic_hub_heap_bytes\\{thread="${thread}",space="total",kind="used"\\} (\\d+)$`, "m").exec(metrics)?.[1]);
      const oldSpace = Number(new RegExp(`^traffic_hub_heap_bytes\\{thread="${thread}",space="old_space",kind="size"\\} (\\d+)$`, "m").exec(metrics)?.[1]);
      expect(used, thread).toBeGreaterThan(1e6);
      expect(oldSpace, thread).toBeGreaterThan(0);
    }
  });

  it("reports a thread that dies: hub.failed settles and /api/health says degraded", async () => {
    server = await startHubServer(config());
    const hub = server.hub;
    const edge = await device(hub.brokerUrl);
    const cutOff = new Promise<void>((resolve) => edge.once("close", () => resolve()));
    await (hub.broker as ThreadedBroker).worker.terminate();
    const err = await hub.failed;
    expect(err.message).toMatch(/broker thread exited/);
    await cutOff;
    const response = await fetch(`${server.url}/api/health`);
    const health = (await response.json()) as { status: string; broker: { connected: boolean } };
    expect(health).toMatchObject({ status: "degraded", broker: { connected: false } });
    expect(hub.metrics().ingest.connected).toBe(false);
  });

  it("runs on the main thread with `broker.thread: false`", async () => {
    const base = config();
    server = await startHubServer({ ...base, broker: { ...(base.broker as object), type: "embedded", thread: false } });
    expect(server.hub.broker).not.toHaveProperty("worker");
    const edge = await device(server.hub.brokerUrl);
    const m = encodeMessage("north", "measures", measuresAt(1, Date.now(), 40, 8));
    await edge.publishAsync(m.topic, m.body, { qos: 1 });
    await waitUntil(() => server!.hub.store.get("x1")?.measures?.seq === 1, "the measures in the store");
    // One isolate only: the broker's heap is the main thread's.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^traffic_hub_heap_bytes\{thread="main",space="total",kind="used"\} \d+$/m);
    expect(metrics).not.toMatch(/thread="broker"/);
  });
});
