import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, MAX_PAYLOAD_BYTES, topicFor, type ControllerTiming, type Measures } from "../protocol/index.js";
import { connectClient, record, waitUntil, type Received } from "../tests/support/mqtt.js";
import { buildApi } from "./api/app.js";
import { bearer, hubConfig, TOKENS } from "./api/test-fixtures.js";
import { Hub } from "./hub.js";
import { controllerConfigMessage, TWO_PHASE_CONTROLLER } from "./test-support/controller-config.js";

/** The two-phase controller with a protected left (phase 1, omittable) ahead of its through phases. */
const THREE_PHASE: ControllerTiming = {
  ...TWO_PHASE_CONTROLLER,
  phases: [{ phase: 1, minGreenS: 5, maxGreenS: 15, yellowS: 3, redClearanceS: 1, omittable: true, approaches: [{ approachId: "E", lanes: 1, share: 0.2 }] }, ...TWO_PHASE_CONTROLLER.phases],
};

let hub: Hub | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  await hub?.stop();
  hub = undefined;
});

async function device(id: "x1" | "x2"): Promise<MqttClient> {
  const client = await connectClient(hub!.brokerUrl, { username: `dev-${id}`, password: `${id}-secret-0123`, clientId: `edge-${id}` });
  clients.push(client);
  return client;
}

function start(timing: Record<string, object> = {}, nowMs?: () => number): Promise<Hub> {
  const base = hubConfig();
  return Hub.start(
    {
      ...base,
      broker: { type: "embedded", port: 0, devices: (["x1", "x2"] as const).map((id) => ({ username: `dev-${id}`, password: `${id}-secret-0123`, intersectionId: id, region: "north" })) },
      intersections: base.intersections!.map((x) => ({ ...x, timing: { ...x.timing, ...(timing[x.intersectionId] ?? {}) } })),
    },
    nowMs ? { now: nowMs } : {},
  );
}

async function publishConfig(client: MqttClient, id: string, controller: ControllerTiming, ts = hub!.now()): Promise<void> {
  const { topic, body } = encodeMessage("north", "config", controllerConfigMessage(id, controller, ts));
  await client.publishAsync(topic, body, { qos: 1, retain: true });
}

let seq = 0;
function measures(id: string, ts: number): Measures {
  return {
    ts,
    seq: ++seq,
    intersectionId: id,
    intervalMs: 5000,
    modelId: "test",
    framesProcessed: 25,
    approaches: ["E", "W", "N", "S"].map((approachId) => ({ approachId, count: approachId === "E" || approachId === "W" ? 40 : 10, countsByClass: {}, queue: 1, occupancy: 0.2 })),
  };
}

function plansIn(received: Received[]): ReturnType<typeof decodeMessage>[] {
  return received.map((r) => decodeMessage(r.topic, r.body)).filter((d) => d.ok && d.kind === "plan");
}

describe("the hub plans against each controller's own timing", () => {
  it("plans nothing until the controller has published its configuration, says why, then plans with its phases", async () => {
    const t0 = 1_800_000_000_000;
    let nowMs = t0;
    hub = await start({}, () => nowMs);
    const app = await buildApi(hub);
    const x1 = await device("x1");
    await x1.subscribeAsync(topicFor("north", "x1", "plan"), { qos: 1 });
    const received = record(x1);
    const send = async (m: Measures): Promise<void> => {
      const { topic, body } = encodeMessage("north", "measures", m);
      await x1.publishAsync(topic, body, { qos: 1 });
    };

    for (let i = 0; i < 3; i++) {
      nowMs = t0 + i * 5000;
      await send(measures("x1", nowMs));
    }
    await waitUntil(() => hub!.store.get("x1")?.measures !== null && hub!.metrics().ingest.messages.measures === 3, "the measures");
    expect(hub.plans("x1")).toEqual([]);
    const detail = (await app.inject({ method: "GET", url: "/api/intersections/x1", headers: bearer(TOKENS.viewer) })).json() as { planning: { state: string; reason: string }; phases: unknown[] };
    expect(detail.planning.state).toBe("no-controller-config");
    expect(detail.planning.reason).toMatch(/has not published its configuration/);
    expect(detail.phases).toEqual([]);

    await publishConfig(x1, "x1", THREE_PHASE);
    nowMs = t0 + 15_000;
    await send(measures("x1", nowMs));
    await waitUntil(() => plansIn(received).length > 0, "a plan");
    const plan = plansIn(received)[0]!;
    if (!plan.ok || plan.kind !== "plan") throw new Error("expected a plan");
    // Phase 1 is the controller's: the hub planned it (or, being omittable, may leave it out).
    expect(Object.keys(plan.payload.splitsS).sort()).toEqual(plan.payload.omitPhases?.includes(1) ? ["2", "4"] : ["1", "2", "4"]);
    const after = (await app.inject({ method: "GET", url: "/api/intersections/x1", headers: bearer(TOKENS.viewer) })).json() as { planning: { state: string }; phases: { phase: number }[] };
    expect(after.planning.state).toBe("planning");
    expect(after.phases.map((p) => p.phase)).toEqual([1, 2, 4]);
    await app.close();
  });

  it("replans against a changed configuration (a new hash) at once, with the new phases", async () => {
    const t0 = 1_800_000_000_000;
    let nowMs = t0;
    hub = await start({}, () => nowMs);
    const x1 = await device("x1");
    await x1.subscribeAsync(topicFor("north", "x1", "plan"), { qos: 1 });
    const received = record(x1);
    await publishConfig(x1, "x1", TWO_PHASE_CONTROLLER);
    const send = async (m: Measures): Promise<void> => {
      const { topic, body } = encodeMessage("north", "measures", m);
      await x1.publishAsync(topic, body, { qos: 1 });
    };
    await send(measures("x1", nowMs));
    await waitUntil(() => plansIn(received).length === 1, "the first plan");
    // The same configuration again (a reconnect) changes nothing; a new one is planned at the next measures, not at the refresh.
    await publishConfig(x1, "x1", TWO_PHASE_CONTROLLER);
    const slower = { ...TWO_PHASE_CONTROLLER, phases: TWO_PHASE_CONTROLLER.phases.map((p) => ({ ...p, minGreenS: p.minGreenS + 10, maxGreenS: p.maxGreenS + 10 })) };
    await publishConfig(x1, "x1", slower);
    nowMs = t0 + 5000;
    await send(measures("x1", nowMs));
    await waitUntil(() => plansIn(received).length === 2, "a plan for the new configuration");
    const second = plansIn(received)[1]!;
    if (!second.ok || second.kind !== "plan") throw new Error("expected a plan");
    // Each split holds the new min green (20 s and 18 s) plus the change interval.
    expect(second.payload.splitsS["2"]!).toBeGreaterThanOrEqual(26);
    expect(second.payload.splitsS["4"]!).toBeGreaterThanOrEqual(23.5);
    expect(hub.planner.config("x1")!.phases[0]!.minGreenS).toBe(20);
  });

  it("raises an alarm and plans nothing where the hub's settings do not fit the controller, and clears it when they do", async () => {
    hub = await start({ x1: { corridor: { id: "main", positionM: 0, progressionSpeedKmh: 50, mainPhase: 6 } } });
    const app = await buildApi(hub);
    const x1 = await device("x1");
    await publishConfig(x1, "x1", TWO_PHASE_CONTROLLER);
    await waitUntil(() => hub!.alarms.list().some((a) => a.type === "controller-config" && a.active), "the misfit alarm");
    const alarm = hub.alarms.list().find((a) => a.type === "controller-config")!;
    expect(alarm.intersectionId).toBe("x1");
    expect(alarm.message).toMatch(/timing\.corridor\.mainPhase: phase 6 is not in the sequence \(2, 4\)/);
    const detail = (await app.inject({ method: "GET", url: "/api/intersections/x1", headers: bearer(TOKENS.viewer) })).json() as { planning: { state: string; problems: string[] } };
    expect(detail.planning.state).toBe("misfit");
    expect(detail.planning.problems.join(" ")).toMatch(/mainPhase: phase 6/);
    // An operator's plan has nothing to be checked against either.
    const override = await hub.overridePlan("x1", { planId: "m", cycleS: 90, offsetS: 0, splitsS: { "2": 55, "4": 35 }, validUntil: hub.now() + 60_000, reason: "test" }, { name: "ana", role: "operator" });
    expect(override.ok).toBe(false);

    // The controller is reprogrammed with a phase 6: the settings fit, the alarm clears.
    const withSix = { ...TWO_PHASE_CONTROLLER, coordinatedPhase: 6, phases: [...TWO_PHASE_CONTROLLER.phases, { ...TWO_PHASE_CONTROLLER.phases[1]!, phase: 6, approaches: [] }] };
    await publishConfig(x1, "x1", withSix);
    await waitUntil(() => hub!.alarms.list({ all: true }).find((a) => a.type === "controller-config")?.active === false, "the alarm cleared");
    expect(hub.planner.planningState("x1")?.state).toBe("planning");
    await app.close();
  });

  it("rejects and counts a bogus configuration, which never changes this intersection's timing or another's", async () => {
    hub = await start();
    const x1 = await device("x1");
    const x2 = await device("x2");
    await publishConfig(x1, "x1", TWO_PHASE_CONTROLLER);
    await publishConfig(x2, "x2", TWO_PHASE_CONTROLLER);
    await waitUntil(() => hub!.planner.planningState("x2")?.state === "planning", "both configured");
    const before = { x1: hub.planner.config("x1"), x2: hub.planner.config("x2") };
    const invalidBefore = hub.metrics().ingest.rejects.invalid;
    const topic = topicFor("north", "x1", "config");
    const good = controllerConfigMessage("x1", TWO_PHASE_CONTROLLER, hub.now(), 2);
    const bogus = [
      // Content that does not match its hash (a max green raised behind the hash's back).
      { ...good, controller: { ...good.controller, phases: good.controller.phases.map((p) => ({ ...p, maxGreenS: 120 })) } },
      // An unknown key.
      { ...good, controller: { ...good.controller, phases: good.controller.phases.map((p) => ({ ...p, omitable: true })) } },
      // No phases at all.
      { ...good, controller: { ...good.controller, phases: [] } },
    ];
    for (const b of bogus) await x1.publishAsync(topic, JSON.stringify(b), { qos: 1, retain: true });
    await waitUntil(() => hub!.metrics().ingest.rejects.invalid === invalidBefore + 3, "three invalid configurations counted");
    // Oversized: the broker drops it before anyone parses it.
    const oversizedBefore = hub.broker!.stats().oversizedPublishes;
    await x1.publishAsync(topic, JSON.stringify({ ...good, padding: "x".repeat(MAX_PAYLOAD_BYTES) }), { qos: 1, retain: true });
    await waitUntil(() => hub!.broker!.stats().oversizedPublishes === oversizedBefore + 1, "the oversized configuration counted");
    expect(hub.planner.config("x1")).toBe(before.x1);
    expect(hub.planner.config("x2")).toBe(before.x2);
    expect(hub.alarms.list().some((a) => a.type === "controller-config")).toBe(false);
  });

  it("lets a device publish only its own intersection's configuration", async () => {
    hub = await start();
    const x1 = await device("x1");
    const deniedBefore = hub.broker!.stats().deniedPublishes;
    // x1's device speaks for x2: the broker drops it (acknowledged, never delivered).
    await publishConfig(x1, "x2", TWO_PHASE_CONTROLLER);
    await waitUntil(() => hub!.broker!.stats().deniedPublishes === deniedBefore + 1, "the denied publish");
    expect(hub.planner.planningState("x2")?.state).toBe("no-controller-config");
    // Its own is taken.
    await publishConfig(x1, "x1", TWO_PHASE_CONTROLLER);
    await waitUntil(() => hub!.planner.planningState("x1")?.state === "planning", "x1's own configuration");
    expect(hub.planner.planningState("x2")?.state).toBe("no-controller-config");
  });
});
