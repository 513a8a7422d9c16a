import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, waitUntil } from "../tests/support/mqtt.js";
import { DEVICE, hubConfig, publishAs } from "./api/test-fixtures.js";
import { Hub } from "./hub.js";
import { publishControllerConfigs } from "./test-support/controller-config.js";

let hub: Hub;
let device: MqttClient;

beforeAll(async () => {
  hub = await Hub.start(hubConfig());
  // The approaches an intersection has are those its controller's phases serve.
  await publishControllerConfigs(hub, "north", ["x1", "x2"]);
  device = await connectClient(hub.brokerUrl, { username: DEVICE.username, password: DEVICE.password, clientId: "edge-x1" });
});
afterAll(async () => {
  await device?.endAsync();
  await hub?.stop();
});

const measures = (seq: number, approachId: string) => ({
  ts: Date.now(),
  seq,
  intersectionId: "x1",
  intervalMs: 5000,
  modelId: "virtual-loop",
  framesProcessed: 5,
  approaches: [{ approachId, count: 1, countsByClass: { car: 1 }, queue: 0, occupancy: 0.1 }],
});

describe("hub state a device cannot grow", () => {
  it("rejects measures for an approach the intersection's configuration lacks, and counts them", async () => {
    await publishAs(device, "measures", measures(1, "Z-invented"));
    await publishAs(device, "measures", measures(2, "N"));
    await waitUntil(() => hub.store.get("x1")?.measures?.seq === 2, "the valid measures");
    expect(hub.metrics().ingest.rejects.unknown_approach).toBe(1);
    expect(hub.store.get("x1")?.measures?.approaches.map((a) => a.approachId)).toEqual(["N"]);
  });

  it("folds a device's repeated alarms into one record", async () => {
    for (let i = 0; i < 50; i++) {
      await publishAs(device, "events", { ts: Date.now(), seq: 100 + i, intersectionId: "x1", events: [{ type: "alarm", ts: Date.now(), alarm: "plan-rejected", message: `rejected ${i}`, planId: `p${i}` }] });
    }
    await waitUntil(() => hub.alarms.list({ intersectionId: "x1" })[0]?.count === 50, "fifty rejections folded");
    expect(hub.alarms.list({ intersectionId: "x1" })).toHaveLength(1);
    expect(hub.metrics().alarms.records).toBe(1);
  });
});
