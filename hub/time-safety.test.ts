import type { FastifyInstance } from "fastify";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, type Measures, type Plan } from "../protocol/index.js";
import { connectClient, record, waitUntil, type Received } from "../tests/support/mqtt.js";
import { buildApi } from "./api/app.js";
import { bearer, TIMING, TOKENS } from "./api/test-fixtures.js";
import { Hub } from "./hub.js";
import { measuresAt, T0, TEN_YEARS_MS, timeAttackHubConfig } from "./test-support/time-attack-hub.js";
import { publishControllerConfigs } from "./test-support/controller-config.js";

/**
 * The attacks of a faulty field device and a careless operator on the hub's sense of time, each
 * refused with a clear, counted reason. The hub runs on a clock the test drives, as a simulator's.
 */

const config = () => timeAttackHubConfig({ operator: { name: "otto", token: TOKENS.operator }, passwords: ["device-secret-1", "device-secret-2"] });

let hub: Hub | undefined;
let app: FastifyInstance | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true);
  await app?.close();
  await hub?.stop();
  hub = undefined;
  app = undefined;
});

async function device(n: 1 | 2): Promise<MqttClient> {
  const client = await connectClient(hub!.brokerUrl, { username: `dev-x${n}`, password: `device-secret-${n}`, clientId: `edge-x${n}` });
  clients.push(client);
  return client;
}

async function publish(client: MqttClient, m: Measures): Promise<void> {
  const { topic, body } = encodeMessage("north", "measures", m);
  await client.publishAsync(topic, body, { qos: 1 });
}

function plansIn(received: Received[]): Plan[] {
  return received.flatMap((r) => {
    const d = decodeMessage(r.topic, r.body);
    return d.ok && d.kind === "plan" ? [d.payload] : [];
  });
}

describe("the hub against hostile time", () => {
  it("does not let one device's future-stamped measures give another intersection a long plan or stop the corridor's planning", async () => {
    let nowMs = T0;
    hub = await Hub.start(config(), { now: () => nowMs });
    await publishControllerConfigs(hub, "north", ["x1", "x2"]);
    const x1 = await device(1);
    const x2 = await device(2);
    await x2.subscribeAsync("traffic/v1/north/x2/plan", { qos: 1 });
    const plansAtX2 = record(x2);

    // x1's clock is ten years ahead: every one of its messages is refused, and it is alarmed once.
    for (let seq = 1; seq <= 20; seq++) await publish(x1, measuresAt("x1", seq, T0 + TEN_YEARS_MS + seq * 5000));
    await publish(x2, measuresAt("x2", 1, T0));
    await waitUntil(() => plansIn(plansAtX2).length > 0, "a plan for x2");
    expect(hub.metrics().ingest.rejects.clock_skew).toBe(20);
    const skewAlarms = hub.alarms.list({ all: true }).filter((a) => a.type === "clock-skew");
    expect(skewAlarms).toHaveLength(1);
    expect(skewAlarms[0]).toMatchObject({ intersectionId: "x1", active: true });
    expect(skewAlarms[0]!.message).toMatch(/ahead of the hub's clock \(at most 120 s\)/);

    const first = plansIn(plansAtX2)[0]!;
    expect(first.ts).toBe(T0);
    expect(first.validUntil - T0).toBe(TIMING.planValidityS * 1000);

    // The corridor keeps planning on the hub's clock: the next refresh comes when it is due.
    nowMs = T0 + TIMING.planRefreshS * 1000;
    await publish(x2, measuresAt("x2", 2, nowMs));
    await waitUntil(() => plansIn(plansAtX2).length > 1, "the next plan for x2");
    const second = plansIn(plansAtX2)[1]!;
    expect(second.ts).toBe(nowMs);
    expect(second.validUntil - nowMs).toBe(TIMING.planValidityS * 1000);

    // /metrics counts the rejects by reason.
    app = await buildApi(hub);
    const metrics = await app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/traffic_hub_ingest_rejects_total\{reason="clock_skew"\} 20/);

    // x1's clock put right: its messages count again and the alarm clears.
    await publish(x1, measuresAt("x1", 21, nowMs));
    await waitUntil(() => hub!.store.get("x1")?.measures?.seq === 21, "x1's measures accepted");
    expect(hub.alarms.list({ all: true }).find((a) => a.type === "clock-skew")?.active).toBe(false);
  });

  it("does not let a huge seq with a future ts make the device's later messages stale", async () => {
    hub = await Hub.start(config(), { now: () => T0 });
    const x1 = await device(1);
    await publish(x1, measuresAt("x1", 1, T0 - 10_000));
    await publish(x1, measuresAt("x1", Number.MAX_SAFE_INTEGER, T0 + TEN_YEARS_MS));
    for (let seq = 2; seq <= 5; seq++) await publish(x1, measuresAt("x1", seq, T0 - 10_000 + seq * 1000));
    await waitUntil(() => hub!.store.get("x1")?.measures?.seq === 5, "the later measures");
    expect(hub.metrics().ingest.rejects).toMatchObject({ clock_skew: 1, stale: 0, duplicate: 0 });
    expect(hub.metrics().ingest.messages.measures).toBe(5);
  });
});

describe("the hub against a careless operator", () => {
  async function operatorApi(): Promise<{ commandsAtX1: Received[]; post: (payload: object) => Promise<{ status: number; body: Record<string, unknown> }> }> {
    hub = await Hub.start(config(), { now: () => T0 });
    await publishControllerConfigs(hub, "north", ["x1", "x2"]);
    app = await buildApi(hub);
    const x1 = await device(1);
    await x1.subscribeAsync("traffic/v1/north/x1/command", { qos: 1 });
    const commandsAtX1 = record(x1);
    const post = async (payload: object) => {
      const response = await app!.inject({ method: "POST", url: "/api/intersections/x1/commands", headers: bearer(TOKENS.operator), payload });
      return { status: response.statusCode, body: response.json() as Record<string, unknown> };
    };
    return { commandsAtX1, post };
  }

  const plan = { planId: "manual", cycleS: 90, offsetS: 0, splitsS: { "2": 55, "4": 35 }, reason: "test" };

  it("refuses a set-plan valid practically forever, as it would refuse the same override, and audits it", async () => {
    const { post } = await operatorApi();
    const forever = await post({ action: "set-plan", plan: { ...plan, validUntil: 8_640_000_000_000_000 } });
    expect(forever.status).toBe(422);
    expect(forever.body["error"]).toBe("command_refused");
    expect((forever.body["details"] as string[]).join(" ")).toMatch(/plan.validUntil: valid for \d+ s, more than the 900 s allowed/);
    const broken = await post({ action: "set-plan", plan: { ...plan, splitsS: { "2": 80, "4": 10 }, validUntil: T0 + 300_000 } });
    expect(broken.status).toBe(422);
    expect((broken.body["details"] as string[]).join(" ")).toMatch(/splitsS\.4/);
    expect(hub!.metrics().commandsSent).toBe(0);
    expect(hub!.audit.list(2).map((e) => [e.action, e.result])).toEqual([
      ["command.set-plan", "refused"],
      ["command.set-plan", "refused"],
    ]);
    const ok = await post({ action: "set-plan", plan: { ...plan, validUntil: T0 + 300_000 } });
    expect(ok.status).toBe(202);
    expect(hub!.metrics().commandsSent).toBe(1);
  });

  it("bounds a hold: one without durationS is sent with the maximum, a longer one is refused", async () => {
    const { commandsAtX1, post } = await operatorApi();
    expect((await post({ action: "hold", phase: 2 })).status).toBe(202);
    await waitUntil(() => commandsAtX1.length > 0, "the hold at the device");
    const sent = decodeMessage(commandsAtX1[0]!.topic, commandsAtX1[0]!.body);
    expect(sent.ok && sent.kind === "command" && sent.payload.command).toEqual({ action: "hold", phase: 2, durationS: 900 });
    const long = await post({ action: "hold", phase: 2, durationS: 3600 });
    expect(long.status).toBe(422);
    expect((long.body["details"] as string[])[0]).toMatch(/durationS: 3600 s is longer than the 900 s a hold may last/);
  });
});
