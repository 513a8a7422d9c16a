import type { IClientOptions, MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES, topicFor, type TopicKind } from "../../protocol/index.js";
import { connectClient, record, waitUntil } from "../../tests/support/mqtt.js";
import { mosquittoBinary, startMosquitto, type ManagedServer } from "../../tests/support/servers.js";
import { startBroker, type RunningBroker } from "../broker/index.js";
import { startIngest, type Ingest } from "./ingest.js";
import type { IngestConfigInput } from "./config.js";
import type { BrokerConnection } from "../link/index.js";
import { command, measures, plan, signal, status, events } from "../../tests/support/payloads.js";

/** One broker the suite runs against: where it is, and how each party logs in. */
interface BrokerFixture {
  url: string;
  hub: { username?: string; password?: string };
  device(intersectionId: string): { username?: string; password?: string };
  /** How many oversized payloads were stopped, wherever this setup stops them. */
  oversizedStopped(ingest: Ingest): number;
  stop(): Promise<void>;
}

const NORTH = ["i-1", "i-2", "i-3", "i-4", "i-5", "i-6", "i-7"];

async function embeddedBroker(): Promise<BrokerFixture> {
  const broker: RunningBroker = await startBroker({
    port: 0,
    hub: { username: "hub", password: "hub-secret" },
    devices: [
      ...NORTH.map((id) => ({ username: `dev-${id}`, password: `pw-${id}`, intersectionId: id, region: "north" })),
      { username: "dev-s-1", password: "pw-s-1", intersectionId: "s-1", region: "south" },
    ],
  });
  return {
    url: broker.url,
    hub: { username: "hub", password: "hub-secret" },
    device: (id) => ({ username: `dev-${id}`, password: `pw-${id}` }),
    // The embedded broker stops them before they reach the hub.
    oversizedStopped: () => broker.stats().oversizedPublishes,
    stop: () => broker.stop(),
  };
}

async function mosquitto(): Promise<BrokerFixture> {
  // Mosquitto drops QoS 1 messages for a subscriber beyond 1,000 queued by default; a hub's
  // broker needs a deeper queue, or a burst from one intersection costs others their messages.
  const server: ManagedServer = await startMosquitto(["max_queued_messages 100000"]);
  return {
    url: server.url,
    hub: {},
    device: () => ({}),
    // Mosquitto passes them on (no message_size_limit here); the ingest refuses them.
    oversizedStopped: (ingest) => ingest.stats().rejects.too_large,
    stop: () => server.dispose(),
  };
}

const brokers: { name: string; skip: boolean; reason: string; start: () => Promise<BrokerFixture> }[] = [
  { name: "the embedded broker", skip: false, reason: "", start: embeddedBroker },
  { name: "a real Mosquitto (external broker)", skip: mosquittoBinary.skip, reason: mosquittoBinary.reason, start: mosquitto },
];

for (const target of brokers) {
  describe.skipIf(target.skip)(`ingest against ${target.name}${target.skip ? ` (skipped: ${target.reason})` : ""}`, () => {
    let broker: BrokerFixture;
    const ingests: Ingest[] = [];
    const clients: MqttClient[] = [];

    async function ingest(extra: Partial<IngestConfigInput> = {}): Promise<Ingest & { connection: BrokerConnection }> {
      const started = await startIngest({ url: broker.url, ...broker.hub, ...extra });
      ingests.push(started);
      return started;
    }

    async function device(id: string, options: IClientOptions = {}): Promise<MqttClient> {
      const client = await connectClient(broker.url, { ...broker.device(id), ...options });
      clients.push(client);
      return client;
    }

    function send(client: MqttClient, region: string, id: string, kind: TopicKind, body: string | Buffer, retain = false): Promise<unknown> {
      return client.publishAsync(topicFor(region, id, kind), body, { qos: 1, retain });
    }

    beforeAll(async () => {
      broker = await target.start();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
      await Promise.all(ingests.splice(0).map((i) => i.stop()));
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it("keeps the store current from valid messages and tells listeners", async () => {
      const hub = await ingest({ regions: ["north"] });
      const heard: string[] = [];
      hub.onMeasures((m) => heard.push(`measures:${m.seq}`));
      hub.onSignal((s) => heard.push(`signal:${s.seq}`));
      hub.onEvents((e) => heard.push(`events:${e.seq}`));
      hub.onStatus((s) => heard.push(`status:${s.seq}`));
      const cam = await device("i-1");
      await send(cam, "north", "i-1", "measures", JSON.stringify(measures("i-1", 1)));
      await send(cam, "north", "i-1", "signal", JSON.stringify(signal("i-1", 2)));
      await send(cam, "north", "i-1", "events", JSON.stringify(events("i-1", 3, [1, 8])));
      await send(cam, "north", "i-1", "status", JSON.stringify(status("i-1", 4, true)));
      await waitUntil(() => heard.length === 4, "four messages");
      expect(heard.sort()).toEqual(["events:3", "measures:1", "signal:2", "status:4"]);
      expect(hub.store.get("i-1")).toMatchObject({
        region: "north",
        online: true,
        measures: { seq: 1 },
        signal: { seq: 2 },
        messages: { measures: 1, signal: 1, events: 1, status: 1 },
      });
      expect(hub.store.get("i-1")!.recentEvents).toHaveLength(2);
      expect(hub.stats()).toMatchObject({ connected: true, intersections: 1, messages: { measures: 1, signal: 1, events: 1, status: 1 } });
    });

    it("rejects malformed, mistyped, oversized, misaddressed and duplicate messages by reason and keeps going", async () => {
      const hub = await ingest({ regions: ["north"] });
      const cam = await device("i-2");
      const oversizedBefore = broker.oversizedStopped(hub);
      await send(cam, "north", "i-2", "measures", "{not json");
      await send(cam, "north", "i-2", "measures", JSON.stringify({ ...measures("i-2", 1), occupancy: "high", approaches: [{ count: -1 }] }));
      await send(cam, "north", "i-2", "measures", Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32));
      await send(cam, "north", "i-2", "measures", JSON.stringify(measures("i-3", 2))); // speaks for another intersection
      await send(cam, "north", "i-2", "measures", JSON.stringify(measures("i-2", 5)));
      await send(cam, "north", "i-2", "measures", JSON.stringify(measures("i-2", 5))); // a redelivery
      await send(cam, "north", "i-2", "measures", JSON.stringify(measures("i-2", 6)));
      await waitUntil(() => hub.store.get("i-2")?.measures?.seq === 6, "the last valid measures");
      expect(hub.stats().rejects).toMatchObject({ bad_json: 1, invalid: 1, id_mismatch: 1, duplicate: 1, stale: 0 });
      expect(broker.oversizedStopped(hub)).toBe(oversizedBefore + 1);
      expect(hub.stats().messages.measures).toBe(2);
      expect(hub.store.get("i-3")).toBeUndefined();
      expect(hub.connected).toBe(true);
    });

    it("still delivers one intersection's valid messages while another floods garbage", async () => {
      const hub = await ingest({ regions: ["north"] });
      const flooder = await device("i-3");
      const good = await device("i-4");
      const flood: Promise<unknown>[] = [];
      const valid: Promise<unknown>[] = [];
      for (let i = 0; i < 2000; i++) {
        flood.push(send(flooder, "north", "i-3", "measures", i % 2 ? `garbage ${i}` : JSON.stringify({ ...measures("i-3", i), approaches: [] })));
        if (i % 100 === 0) valid.push(send(good, "north", "i-4", "measures", JSON.stringify(measures("i-4", i + 1))));
      }
      await Promise.all([...flood, ...valid]);
      await waitUntil(() => hub.store.get("i-4")?.messages.measures === 20, "all 20 valid measures from i-4", 20_000);
      await waitUntil(() => hub.stats().rejects.bad_json + hub.stats().rejects.invalid === 2000, "all 2000 garbage messages rejected", 20_000);
      expect(hub.store.get("i-4")!.measures?.seq).toBe(1901);
      expect(hub.store.get("i-3")).toBeUndefined();
    });

    it("flips an intersection online and offline from its retained status and last will", async () => {
      const offline = JSON.stringify(status("i-5", 1, false));
      const cam = await device("i-5", { will: { topic: topicFor("north", "i-5", "status"), payload: Buffer.from(offline), qos: 1, retain: true } });
      await send(cam, "north", "i-5", "status", JSON.stringify(status("i-5", 2, true)), true);
      const hub = await ingest({ regions: ["north"] }); // starts after: learns it from the retained status
      await waitUntil(() => hub.store.get("i-5")?.online === true, "i-5 online from the retained status");
      cam.end(true); // dies without DISCONNECT: the broker publishes the will
      await waitUntil(() => hub.store.get("i-5")?.online === false, "i-5 offline from its last will");
      const later = await ingest({ regions: ["north"] });
      await waitUntil(() => later.store.get("i-5")?.online === false, "a later hub sees i-5 offline from the retained will");
    });

    it("publishes through its connection plans retained and commands to the intersection's device, validated first; follows the plans", async () => {
      const hub = await ingest({ regions: ["north"] });
      const p = plan("i-6", 10, "p-evening");
      await hub.connection.publish("north", "plan", p);
      await waitUntil(() => hub.store.get("i-6")?.plan?.planId === "p-evening", "the hub's own plan followed back into its store");

      const cam = await device("i-6"); // subscribes after the plan went out: gets it retained
      const received = record(cam);
      await cam.subscribeAsync([topicFor("north", "i-6", "plan"), topicFor("north", "i-6", "command")], { qos: 1 });
      await waitUntil(() => received.length === 1, "the retained plan");
      expect(received[0]).toMatchObject({ topic: topicFor("north", "i-6", "plan"), retain: true });
      expect(JSON.parse(received[0]!.body)).toEqual(p);

      await hub.connection.publish("north", "command", command("i-6", 11, "c-1"));
      await waitUntil(() => received.length === 2, "the command");
      expect(received[1]).toMatchObject({ topic: topicFor("north", "i-6", "command"), retain: false });
      expect(JSON.parse(received[1]!.body)).toMatchObject({ commandId: "c-1" });

      await expect(hub.connection.publish("north", "plan", { ...p, cycleS: 5 })).rejects.toThrow(/refusing to send invalid plan\.cycleS/);
      await expect(hub.connection.publish("no/such", "command", command("i-6", 12))).rejects.toThrow(/region must match/);
    });

    it("hears only the regions it serves", async () => {
      const hub = await ingest({ regions: ["north"] });
      const south = await device("s-1");
      const north = await device("i-7");
      await send(south, "south", "s-1", "measures", JSON.stringify(measures("s-1", 1)));
      await send(north, "north", "i-7", "measures", JSON.stringify(measures("i-7", 1)));
      await waitUntil(() => hub.store.get("i-7") !== undefined, "north's measures");
      const all = await ingest({ regions: ["+"] });
      await send(south, "south", "s-1", "measures", JSON.stringify(measures("s-1", 2)));
      await waitUntil(() => all.store.get("s-1") !== undefined, "south's measures at the all-regions hub");
      expect(hub.store.get("s-1")).toBeUndefined();
    });
  });
}

describe("ingest against the embedded broker's logins", () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, hub: { username: "hub", password: "hub-secret" }, devices: [{ username: "cam", password: "c", intersectionId: "i-1", region: "north" }] });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("fails to start with a wrong password, naming the login", async () => {
    await expect(startIngest({ url: broker.url, username: "hub", password: "wrong" })).rejects.toThrow(/refused the login as hub/);
  });

  it("fails to start when the account may not subscribe to the edge topics", async () => {
    await expect(startIngest({ url: broker.url, username: "cam", password: "c" })).rejects.toThrow(/refused the subscription\(s\) traffic\/v1\/\+\/\+\/measures/);
  });

  it("refuses to publish while disconnected instead of queueing without bound", async () => {
    const own = await startBroker({ port: 0, hub: { username: "hub", password: "hub-secret" } });
    const hub = await startIngest({ url: own.url, username: "hub", password: "hub-secret", reconnectPeriodMs: 60_000 });
    await own.stop();
    await waitUntil(() => !hub.connected, "the ingest to notice the broker is gone");
    await expect(hub.connection.publish("north", "plan", plan("i-1", 1))).rejects.toThrow(/not connected/);
    await hub.stop();
  });
});
