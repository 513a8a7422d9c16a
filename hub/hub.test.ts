import { afterEach, describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage } from "../protocol/index.js";
import { connectClient, record, waitUntil } from "../tests/support/mqtt.js";
import { TIMING } from "./api/test-fixtures.js";
import { controllerConfigMessage, publishControllerConfigs } from "./test-support/controller-config.js";
import { measuresAt } from "./test-support/measures.js";
import { startBroker } from "./broker/index.js";
import { Hub } from "./hub.js";
import type { HubConfigInput } from "./config.js";

function config(): HubConfigInput {
  return {
    broker: {
      type: "embedded",
      port: 0,
      devices: [{ username: "dev-x1", password: "device-secret-1", intersectionId: "x1", region: "north" }],
    },
    api: { port: 0 },
    intersections: [{ intersectionId: "x1", region: "north", position: { xM: 0, yM: 0 }, timing: TIMING }],
    planning: { clock: "measures", commandAnswerTimeoutMs: 500 },
    log: { level: "silent" },
  };
}

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe("hub", () => {
  it("turns an intersection's measures into a retained, rule-abiding plan that says why", async () => {
    // Simulated time: the test drives the hub's clock, as a simulator does.
    const t0 = 1_800_000_000_000;
    let nowMs = t0;
    hub = await Hub.start(config(), { now: () => nowMs });
    const device = await connectClient(hub.brokerUrl, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1" });
    await device.subscribeAsync("traffic/v1/north/x1/plan", { qos: 1 });
    const received = record(device);
    // As its agent does at connect: the controller's own timing, retained.
    const published = encodeMessage("north", "config", controllerConfigMessage("x1", undefined, t0));
    await device.publishAsync(published.topic, published.body, { qos: 1, retain: true });
    for (let i = 0; i < 4; i++) {
      nowMs = t0 + i * 5000;
      const { topic, body } = encodeMessage("north", "measures", measuresAt(i + 1, t0 + i * 5000, 60, 12));
      await device.publishAsync(topic, body, { qos: 1 });
    }
    await waitUntil(() => received.length > 0, "a plan");
    const decoded = decodeMessage(received[0]!.topic, received[0]!.body);
    expect(decoded.ok && decoded.kind).toBe("plan");
    if (!decoded.ok || decoded.kind !== "plan") return;
    const plan = decoded.payload;
    expect(received[0]!.retain).toBe(false); // live delivery; the broker keeps it retained for later subscribers
    expect(plan.reason).toMatch(/Webster/);
    expect(plan.validUntil - plan.ts).toBe(120_000);
    // East-west carries five times the flow on twice the lanes: phase 2 gets the longer split.
    expect(plan.splitsS["2"]!).toBeGreaterThan(plan.splitsS["4"]!);
    expect(Object.values(plan.splitsS).reduce((a, b) => a + b, 0)).toBeCloseTo(plan.cycleS, 5);
    // The device may hear the plan before the hub has recorded it (the broker runs in its own thread).
    await waitUntil(() => hub!.plans("x1").length > 0, "the plan recorded");
    expect(hub.plans("x1")[0]!.plan.planId).toBe(plan.planId);
    expect(hub.metrics().plansPublished).toBeGreaterThanOrEqual(1);
    // A late subscriber gets the retained plan.
    const late = await connectClient(hub.brokerUrl, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1-b" });
    const lateReceived = record(late);
    await late.subscribeAsync("traffic/v1/north/x1/plan", { qos: 1 });
    await waitUntil(() => lateReceived.some((m) => m.retain), "the retained plan");
    await late.endAsync();
    await device.endAsync();
  });

  it("keeps the plan history bounded: explanations for the newest twenty plans, the reason for all", async () => {
    const t0 = 1_800_000_000_000;
    let nowMs = t0;
    hub = await Hub.start(config(), { now: () => nowMs });
    await publishControllerConfigs(hub, "north", ["x1"]);
    const device = await connectClient(hub.brokerUrl, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1" });
    for (let i = 0; i < 25; i++) {
      nowMs = t0 + i * 30_000;
      // One plan per refresh interval (30 s); demand steps up once, so a new plan (with its
      // explanation) comes among the newest twenty while the re-sent ones carry none.
      const { topic, body } = encodeMessage("north", "measures", measuresAt(i + 1, t0 + i * 30_000, i < 15 ? 1 : 3, 1));
      await device.publishAsync(topic, body, { qos: 1 });
      // Before the clock moves on: a measures' check for a due plan runs a turn after ingest has it.
      await waitUntil(() => hub!.plans("x1", 200).length === i + 1, `plan ${i + 1}`);
    }
    const plans = hub.plans("x1", 200);
    expect(plans.slice(0, 20).some((r) => r.explanation !== null)).toBe(true);
    // The oldest was the first plan, made with an explanation: it has been trimmed, its reason kept.
    expect(plans.slice(20).every((r) => r.explanation === null && r.plan.reason.length > 0)).toBe(true);
    expect(plans.at(-1)!.plan.reason).toMatch(/Webster/);
    await device.endAsync();
  });

  it("refuses an operator's plan that breaks the intersection's rules, and audits both outcomes", async () => {
    hub = await Hub.start(config());
    await publishControllerConfigs(hub, "north", ["x1"]);
    const actor = { name: "ana", role: "operator" as const };
    const now = Date.now();
    const bad = await hub.overridePlan("x1", { planId: "manual-1", cycleS: 30, offsetS: 0, splitsS: { "2": 20, "4": 10 }, validUntil: now + 60_000, reason: "test" }, actor);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join(" ")).toMatch(/splitsS\.4: phase 4 split 10 s is below/);
    const good = await hub.overridePlan("x1", { planId: "manual-2", cycleS: 90, offsetS: 0, splitsS: { "2": 55, "4": 35 }, validUntil: now + 60_000, reason: "event traffic" }, actor);
    expect(good.ok).toBe(true);
    const audit = hub.audit.list(10);
    expect(audit.map((a) => [a.action, a.result])).toEqual([
      ["plan.override", "ok"],
      ["plan.override", "refused"],
    ]);
  });

  it("tracks a command to the edge and marks it unanswered when no ack comes", async () => {
    hub = await Hub.start(config());
    const device = await connectClient(hub.brokerUrl, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1" });
    await device.subscribeAsync("traffic/v1/north/x1/command", { qos: 1 });
    const received = record(device);
    const sent = await hub.sendCommand("x1", { action: "hold", phase: 2 }, { name: "ana", role: "operator" });
    await waitUntil(() => received.length === 1, "the command at the edge");
    const decoded = decodeMessage(received[0]!.topic, received[0]!.body);
    expect(decoded.ok && decoded.kind === "command" && decoded.payload.commandId).toBe(sent.commandId);
    // The edge acknowledges: the tracker follows.
    const ack = encodeMessage("north", "events", { ts: Date.now(), seq: 1, intersectionId: "x1", events: [{ type: "ack", ts: Date.now(), commandId: sent.commandId, result: "accepted" }] });
    await device.publishAsync(ack.topic, ack.body, { qos: 1 });
    await waitUntil(() => hub!.commands.get(sent.commandId)?.state === "accepted", "the ack");
    const other = await hub.sendCommand("x1", { action: "flash" }, { name: "ana", role: "operator" });
    await waitUntil(() => hub!.commands.get(other.commandId)?.state === "unanswered", "the answer timeout", 5000);
    expect(hub.alarms.list().some((a) => a.type === "command-unanswered")).toBe(true);
    await device.endAsync();
  });

  it("raises and clears alarms from the agent's status and signal", async () => {
    hub = await Hub.start(config());
    const device = await connectClient(hub.brokerUrl, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1" });
    const publish = async (kind: "status" | "signal", payload: object) => {
      const { topic, body } = encodeMessage("north", kind, payload as never);
      await device.publishAsync(topic, body, { qos: 1 });
    };
    await publish("signal", { ts: Date.now(), seq: 1, intersectionId: "x1", mode: "fallback", planId: null, cycleSecond: 3, activePhases: [2], groups: { a: "G" } });
    await publish("status", { ts: Date.now(), seq: 2, intersectionId: "x1", online: true, camera: { ok: false, message: "connection refused" } });
    await waitUntil(() => hub!.alarms.list().length === 2, "two alarms");
    expect(hub.alarms.list().map((a) => a.type).sort()).toEqual(["camera", "fallback"]);
    await publish("signal", { ts: Date.now(), seq: 3, intersectionId: "x1", mode: "adaptive", planId: "p", cycleSecond: 4, activePhases: [2], groups: { a: "G" } });
    await waitUntil(() => hub!.alarms.list().find((a) => a.type === "fallback")?.active === false, "fallback cleared");
    const fallback = hub.alarms.list().find((a) => a.type === "fallback")!;
    hub.acknowledgeAlarm(fallback.id, { name: "ana", role: "operator" });
    expect(hub.alarms.list().some((a) => a.type === "fallback")).toBe(false);
    await device.endAsync();
  });

  it("runs on an external broker: hears devices over MQTT, publishes plans and commands through the same connection, and follows its own plans back", async () => {
    const external = await startBroker({
      port: 0,
      hub: { username: "hub", password: "hub-secret-123" },
      devices: [{ username: "dev-x1", password: "device-secret-1", intersectionId: "x1", region: "north" }],
    });
    try {
      const t0 = 1_800_000_000_000;
      let nowMs = t0;
      hub = await Hub.start({ ...config(), broker: { type: "external", url: external.url, username: "hub", password: "hub-secret-123" } }, { now: () => nowMs });
      expect(hub.broker).toBeNull();
      const device = await connectClient(external.url, { username: "dev-x1", password: "device-secret-1", clientId: "edge-x1" });
      await device.subscribeAsync(["traffic/v1/north/x1/plan", "traffic/v1/north/x1/command"], { qos: 1 });
      const received = record(device);
      // The controller's own timing, retained, as its agent publishes it at connect.
      const published = encodeMessage("north", "config", controllerConfigMessage("x1", undefined, t0));
      await device.publishAsync(published.topic, published.body, { qos: 1, retain: true });
      for (let i = 0; i < 4; i++) {
        nowMs = t0 + i * 5000;
        const { topic, body } = encodeMessage("north", "measures", measuresAt(i + 1, t0 + i * 5000, 60, 12));
        await device.publishAsync(topic, body, { qos: 1 });
      }
      await waitUntil(() => received.some((m) => m.topic.endsWith("/plan")), "a plan over MQTT");
      const planId = hub.plans("x1")[0]!.plan.planId;
      await waitUntil(() => hub!.store.get("x1")?.plan?.planId === planId, "the hub's plan followed back into its store");
      await hub.sendCommand("x1", { action: "hold", phase: 2 }, { name: "ana", role: "operator" });
      await waitUntil(() => received.some((m) => m.topic.endsWith("/command")), "the command over MQTT");
      expect(hub.metrics().ingest.connected).toBe(true);
      await device.endAsync();
    } finally {
      await hub?.stop();
      hub = undefined;
      await external.stop();
    }
  });
});
