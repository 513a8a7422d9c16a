import type { FastifyInstance } from "fastify";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CameraConfig } from "../../protocol/index.js";
import { decodeMessage } from "../../protocol/index.js";
import { connectClient, record, waitUntil, type Received } from "../../tests/support/mqtt.js";
import { Hub } from "../hub.js";
import { buildApi } from "./app.js";
import { publishControllerConfigs } from "../test-support/controller-config.js";
import { bearer, DEVICE, hubConfig, publishAs, signalOf, TOKENS } from "./test-fixtures.js";

let hub: Hub;
let app: FastifyInstance;
let device: MqttClient;
let commandsAtDevice: Received[];

beforeAll(async () => {
  hub = await Hub.start(hubConfig());
  await publishControllerConfigs(hub, "north", ["x1", "x2"]);
  app = await buildApi(hub, { liveIntervalMs: 50 });
  await app.ready();
  device = await connectClient(hub.brokerUrl, { username: DEVICE.username, password: DEVICE.password, clientId: "edge-x1" });
  await device.subscribeAsync("traffic/v1/north/x1/command", { qos: 1 });
  commandsAtDevice = record(device);
});

afterAll(async () => {
  await device?.endAsync();
  await app?.close();
  await hub?.stop();
});

type Role = keyof typeof TOKENS;
const as = (role: Role) => bearer(TOKENS[role]);

async function json(method: "GET" | "POST" | "PUT" | "DELETE", url: string, role: Role | null, payload?: object) {
  const response = await app.inject({ method, url, headers: role === null ? {} : as(role), ...(payload !== undefined ? { payload } : {}) });
  // Objects and arrays both come back: index the one, map the other.
  const body = (response.body === "" ? {} : response.json()) as Record<string, unknown> & unknown[];
  return { status: response.statusCode, body };
}

const validOverride = { planId: "manual-ok", cycleS: 90, offsetS: 0, splitsS: { "2": 55, "4": 35 }, durationS: 600, reason: "stadium traffic" };

describe("hub REST API", () => {
  it("answers /api/health without a token", async () => {
    const { status, body } = await json("GET", "/api/health", null);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", broker: { connected: true }, timeSeries: { configured: false } });
  });

  it("refuses a missing or unknown token with 401 and names each token's role at /api/me", async () => {
    const missing = await json("GET", "/api/intersections", null);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: "unauthorized" });
    const unknown = await app.inject({ method: "GET", url: "/api/intersections", headers: bearer("not-a-token-of-this-hub") });
    expect(unknown.statusCode).toBe(401);
    expect((await json("GET", "/api/me", "viewer")).body).toEqual({ name: "vera", role: "viewer" });
    expect((await json("GET", "/api/me", "operator")).body).toEqual({ name: "otto", role: "operator" });
    // The admin's token is configured only as its SHA-256.
    expect((await json("GET", "/api/me", "admin")).body).toEqual({ name: "ada", role: "admin" });
  });

  it("lets a viewer read intersections but refuses its commands, overrides and acks with 403, each audited", async () => {
    const list = await json("GET", "/api/intersections", "viewer");
    expect(list.status).toBe(200);
    expect((list.body as unknown as { intersectionId: string }[]).map((s) => s.intersectionId)).toEqual(["x1", "x2"]);
    const before = commandsAtDevice.length;
    const command = await json("POST", "/api/intersections/x1/commands", "viewer", { action: "flash" });
    expect(command.status).toBe(403);
    expect(command.body).toEqual({ error: "forbidden", message: "role viewer may not send commands" });
    expect((await json("PUT", "/api/intersections/x1/plan-override", "viewer", validOverride)).status).toBe(403);
    expect((await json("DELETE", "/api/intersections/x1/plan-override", "viewer")).status).toBe(403);
    expect((await json("POST", "/api/alarms/a1/ack", "viewer")).status).toBe(403);
    expect((await json("GET", "/api/audit", "viewer")).status).toBe(403);
    const refused = hub.audit.list(10).filter((e) => e.actor === "vera");
    expect(refused.map((e) => [e.action, e.result, e.intersectionId])).toEqual([
      ["alarm.acknowledge", "refused", null],
      ["plan.release", "refused", "x1"],
      ["plan.override", "refused", "x1"],
      ["command.flash", "refused", "x1"],
    ]);
    // The operator sees the same refusals through the API.
    const audit = await json("GET", "/api/audit?intersectionId=x1&limit=5", "operator");
    expect(audit.status).toBe(200);
    expect((audit.body as unknown as { actor: string; result: string }[]).filter((e) => e.actor === "vera").every((e) => e.result === "refused")).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(commandsAtDevice.length).toBe(before);
  });

  it("publishes an operator's command on the device's command topic and follows the device's ack", async () => {
    const before = commandsAtDevice.length;
    const sent = await json("POST", "/api/intersections/x1/commands", "operator", { action: "hold", phase: 2, durationS: 30 });
    expect(sent.status).toBe(202);
    const commandId = sent.body["commandId"] as string;
    expect(sent.body).toMatchObject({ intersectionId: "x1", state: "sent", issuedBy: "operator:otto", action: { action: "hold", phase: 2 } });
    await waitUntil(() => commandsAtDevice.length > before, "the command at the device");
    const decoded = decodeMessage(commandsAtDevice.at(-1)!.topic, commandsAtDevice.at(-1)!.body);
    expect(decoded.ok && decoded.kind === "command" && decoded.payload.commandId).toBe(commandId);
    await publishAs(device, "events", { ts: Date.now(), seq: 1, intersectionId: "x1", events: [{ type: "ack", ts: Date.now(), commandId, result: "accepted" }] });
    await waitUntil(() => hub.commands.get(commandId)?.state === "accepted", "the ack");
    const followed = await json("GET", `/api/commands/${commandId}`, "viewer");
    expect(followed.body).toMatchObject({ commandId, state: "accepted" });
    const listed = await json("GET", "/api/intersections/x1/commands", "viewer");
    expect((listed.body as unknown as { commandId: string }[])[0]!.commandId).toBe(commandId);
    expect((await json("GET", "/api/commands/no-such-command", "viewer")).status).toBe(404);
  });

  it("answers bad bodies with 400 and details naming each field", async () => {
    const noPhase = await json("POST", "/api/intersections/x1/commands", "operator", { action: "hold" });
    expect(noPhase.status).toBe(400);
    expect(noPhase.body["error"]).toBe("bad_request");
    expect((noPhase.body["details"] as string[]).join("\n")).toMatch(/^body\.phase: /m);
    const badPhase = await json("POST", "/api/intersections/x1/commands", "operator", { action: "hold", phase: 40 });
    expect((badPhase.body["details"] as string[]).join("\n")).toMatch(/^body\.phase: .*16/m);
    const badOverride = await json("PUT", "/api/intersections/x1/plan-override", "operator", { ...validOverride, offsetS: 95, durationS: -1 });
    expect(badOverride.status).toBe(400);
    const details = (badOverride.body["details"] as string[]).join("\n");
    expect(details).toMatch(/^body\.durationS: /m);
    expect(details).toMatch(/^body\.offsetS: offsetS must be less than cycleS/m);
    const badQuery = await json("GET", "/api/intersections/x1/plans?limit=zero", "viewer");
    expect(badQuery.status).toBe(400);
    expect((badQuery.body["details"] as string[])[0]).toMatch(/^query\.limit: /);
    const notJson = await app.inject({ method: "POST", url: "/api/intersections/x1/commands", headers: { ...as("operator"), "content-type": "application/json" }, payload: "{" });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toHaveProperty("error");
    expect((await json("POST", "/api/intersections/nowhere/commands", "operator", { action: "flash" })).status).toBe(404);
  });

  it("rejects an override that breaks the intersection's rules with 422 and the reasons, and holds a valid one", async () => {
    const bad = await json("PUT", "/api/intersections/x1/plan-override", "operator", { ...validOverride, planId: "manual-bad", cycleS: 30, splitsS: { "2": 20, "4": 10 } });
    expect(bad.status).toBe(422);
    expect(bad.body["error"]).toBe("plan_rejected");
    expect((bad.body["details"] as string[]).join(" ")).toMatch(/splitsS\.4: phase 4 split 10 s is below/);
    const good = await json("PUT", "/api/intersections/x1/plan-override", "operator", validOverride);
    expect(good.status).toBe(200);
    const plan = good.body["plan"] as { planId: string; validUntil: number; ts: number; policy: string };
    expect(plan.planId).toBe("manual-ok");
    expect(plan.policy).toBe("manual");
    // Held for its ten minutes, sent as copies valid for the intersection's plan validity (120 s), refreshed.
    expect(plan.validUntil - plan.ts).toBe(120_000);
    expect(hub.planner.overrideOf("x1")!.validUntil - plan.ts).toBeGreaterThan(590_000);
    const plans = await json("GET", "/api/intersections/x1/plans?limit=1", "viewer");
    expect(plans.body).toMatchObject([{ plan: { planId: "manual-ok" }, source: "override" }]);
    const released = await app.inject({ method: "DELETE", url: "/api/intersections/x1/plan-override", headers: as("operator") });
    expect(released.statusCode).toBe(204);
    expect(hub.planner.overrideOf("x1")).toBeNull();
    expect(hub.audit.list(3).map((e) => [e.actor, e.action, e.result])).toEqual([
      ["otto", "plan.release", "ok"],
      ["otto", "plan.override", "ok"],
      ["otto", "plan.override", "refused"],
    ]);
  });

  it("summarises an intersection from the device's signal and measures, with history and detail", async () => {
    await publishAs(device, "signal", signalOf({ a: "G", b: "R" }));
    await publishAs(device, "measures", {
      ts: Date.now(),
      seq: 7,
      intersectionId: "x1",
      intervalMs: 60_000,
      modelId: "test",
      framesProcessed: 600,
      approaches: [
        { approachId: "E", count: 10, countsByClass: {}, queue: 3, occupancy: 0.4 },
        { approachId: "N", count: 5, countsByClass: {}, queue: 2, occupancy: 0.2 },
      ],
    });
    await waitUntil(() => hub.store.get("x1")?.measures !== null && hub.store.get("x1")?.signal !== null, "signal and measures in the store");
    const detail = await json("GET", "/api/intersections/x1", "viewer");
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ intersectionId: "x1", name: "Main & 1st", groups: { a: "G", b: "R" }, mode: "adaptive", queueVeh: 5 });
    // No plan runs (the signal names none): occupancy stands in for the degree of saturation.
    expect(detail.body["degreeOfSaturation"]).toBe(0.4);
    expect((detail.body["phases"] as { phase: number }[]).map((p) => p.phase)).toEqual([2, 4]);
    expect(detail.body["camera"]).toEqual({ available: false });
    const history = await json("GET", "/api/intersections/x1/history?sinceMs=0", "viewer");
    expect((history.body as unknown as { measures: { approachId: string }[] }).measures.map((m) => m.approachId).sort()).toEqual(["E", "N"]);
    expect((await json("GET", "/api/intersections/nowhere", "viewer")).status).toBe(404);
  });

  it("serves a registered camera's latest frame and zones, and 404 without one", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const camera: CameraConfig = { width: 640, height: 360, approaches: [{ id: "N", zones: [], lines: [{ id: "N-stop", from: [0, 300], to: [640, 300], countDirection: "positive" }] }] };
    const withdraw = hub.registerCamera("x2", { camera, latestJpeg: async () => jpeg });
    const frame = await app.inject({ method: "GET", url: "/api/intersections/x2/camera.jpg", headers: as("viewer") });
    expect(frame.statusCode).toBe(200);
    expect(frame.headers["content-type"]).toBe("image/jpeg");
    expect(frame.rawPayload.equals(jpeg)).toBe(true);
    expect((await json("GET", "/api/intersections/x2", "viewer")).body["camera"]).toEqual({ available: true, zones: camera });
    withdraw();
    expect((await app.inject({ method: "GET", url: "/api/intersections/x2/camera.jpg", headers: as("viewer") })).statusCode).toBe(404);
  });

  it("lists and acknowledges alarms as an operator", async () => {
    await publishAs(device, "status", { ts: Date.now(), seq: 9, intersectionId: "x1", online: true, camera: { ok: false, message: "lens covered" } });
    await waitUntil(() => hub.alarms.list().some((a) => a.type === "camera"), "the camera alarm");
    const alarms = await json("GET", "/api/alarms", "viewer");
    const camera = (alarms.body as unknown as { id: string; type: string }[]).find((a) => a.type === "camera")!;
    const acked = await json("POST", `/api/alarms/${camera.id}/ack`, "operator");
    expect(acked.body).toMatchObject({ id: camera.id, acknowledgedBy: "otto", active: true });
    expect((await json("POST", "/api/alarms/no-such-alarm/ack", "operator")).status).toBe(404);
  });

  it("documents the routes in an OpenAPI document generated from the zod schemas", async () => {
    const { status, body } = await json("GET", "/api/openapi.json", null);
    expect(status).toBe(200);
    const paths = body["paths"] as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>>;
    for (const path of ["/api/intersections", "/api/intersections/{id}", "/api/intersections/{id}/commands", "/api/intersections/{id}/plan-override", "/api/alarms/{id}/ack", "/api/audit", "/api/health"]) {
      expect(Object.keys(paths)).toContain(path);
    }
    const override = paths["/api/intersections/{id}/plan-override"]!["put"]!;
    expect(Object.keys(override.requestBody!.content["application/json"]!.schema.properties!)).toEqual(expect.arrayContaining(["planId", "cycleS", "splitsS", "durationS"]));
  });

  it("exposes its counters in Prometheus text at /metrics without a token", async () => {
    const response = await app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    const value = (name: string): number => Number(new RegExp(`^${name.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(response.body)?.[1] ?? NaN);
    expect(value("traffic_hub_commands_sent_total")).toBe(hub.metrics().commandsSent);
    expect(value("traffic_hub_commands_sent_total")).toBeGreaterThanOrEqual(1);
    expect(value('traffic_hub_ingest_messages_total{kind="signal"}')).toBeGreaterThanOrEqual(1);
    expect(value('traffic_hub_ingest_rejects_total{reason="duplicate"}')).toBe(0);
    expect(value("traffic_hub_plans_published_total")).toBeGreaterThanOrEqual(1);
    expect(value("traffic_hub_websocket_clients")).toBe(0);
    expect(value("traffic_hub_broker_clients")).toBe(hub.metrics().broker?.clientsConnected); // the agent; ingest is in process
    expect(value("traffic_hub_broker_clients")).toBeGreaterThanOrEqual(1);
    expect(response.body).toMatch(/^traffic_hub_timeseries_dropped_lines_total 0$/m);
    expect(value('traffic_hub_broker_refusals_total{reason="client_id_taken"}')).toBe(0);
    expect(value('traffic_hub_broker_refusals_total{reason="rate_limited"}')).toBe(0);
  });
});
