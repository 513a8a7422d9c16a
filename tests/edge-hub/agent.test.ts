import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../hub/broker/index.js";
import { controllerConfigHash, HIRES, topicFor, type Command, type Plan } from "../../protocol/index.js";
import { connectClient } from "../support/mqtt.js";
import type { CameraConfig } from "../../edge/inference/index.js";
import { Agent } from "../../edge/agent/agent.js";
import { exampleCamera, testAgentConfig, twoPhaseController, Watcher, writeRoadFrames } from "../../edge/agent/test-support/agent-rig.js";

const REGION = "r1";
const HUB = { username: "hub", password: "hub-secret" };
const DEVICES = ["i1", "i2"].map((id) => ({ username: `dev-${id}`, password: `${id}-secret`, intersectionId: id, region: REGION }));

let broker: RunningBroker;
let dir: string;
let framesDir: string;
let cacheDir: string;
let camera: CameraConfig;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await startBroker({ host: "127.0.0.1", port: 0, hub: HUB, devices: DEVICES });
  dir = await mkdtemp(join(tmpdir(), "agent-test-"));
  framesDir = join(dir, "frames");
  cacheDir = join(dir, "models");
  await writeRoadFrames(framesDir);
  camera = await exampleCamera();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

function configFor(intersectionId: string, overrides: { controller?: ReturnType<typeof twoPhaseController> } = {}) {
  const device = DEVICES.find((d) => d.intersectionId === intersectionId)!;
  return testAgentConfig({
    intersectionId,
    region: REGION,
    brokerUrl: broker.url,
    username: device.username,
    password: device.password,
    stateDir: join(dir, `state-${intersectionId}`),
    framesDir,
    cacheDir,
    camera,
    ...overrides,
  });
}

async function watch(intersectionId: string): Promise<Watcher> {
  const watcher = await Watcher.open(broker.url, REGION, intersectionId, HUB);
  cleanups.push(() => watcher.close());
  return watcher;
}

async function startAgent(config: ReturnType<typeof configFor>): Promise<Agent> {
  const agent = await Agent.start(config);
  cleanups.push(() => agent.stop());
  return agent;
}

describe("the field agent on the hub's broker, with a folder camera and the built-in model", () => {
  it("publishes a retained online status, measures every interval, signal changes and loop events", async () => {
    const watcher = await watch("i1");
    const agent = await startAgent(configFor("i1"));

    const status = await watcher.waitFor("an online status with camera ok and a measured fps", () =>
      watcher.of("status").find((s) => s.online && s.camera?.ok === true && (s.inferenceFps ?? 0) > 0),
    );
    expect(status.model).toMatch(/^virtual-loop@/);
    expect(status.version).toBe("test-1");
    expect(status.mode).toBe("fallback");

    const measures = await watcher.waitFor("three measures", () => (watcher.of("measures").length >= 3 ? watcher.of("measures") : undefined));
    for (const m of measures) {
      expect(m.approaches.map((a) => a.approachId)).toEqual(["N"]);
      expect(m.intervalMs).toBeGreaterThan(0);
    }
    expect(measures.some((m) => m.framesProcessed > 0)).toBe(true);
    // Intervals follow each other with no gap or overlap: each one ends where the next begins.
    for (const [i, m] of measures.entries()) if (i > 0) expect(m.intervalMs).toBe(m.ts - measures[i - 1]!.ts);

    const green = await watcher.waitFor("a signal with phase 2 green", () => watcher.of("signal").find((s) => s.groups.ns === "G"));
    expect(green).toMatchObject({ mode: "fallback", activePhases: [2], groups: { ns: "G", ew: "R" } });
    const signals = watcher.of("signal");
    expect(signals[0]!.groups).toEqual({ ns: "R", ew: "R" }); // the start-up all-red comes first

    // The dark box over the stop-line loop: detector on (82) then off (81), param = zone number (N-stopbar is zone 2).
    await watcher.waitFor("loop events 82 and 81", () => {
      const codes = watcher.events().flatMap((e) => (e.type === "hires" && e.param === 2 ? [e.code] : []));
      return codes.includes(HIRES.detectorOn) && codes.includes(HIRES.detectorOff) ? true : undefined;
    });

    // The controller's timing, for the hub to plan against: phases, approaches, coordination, and a hash of that content.
    const published = await watcher.waitFor("the controller's configuration", () => watcher.of("config")[0]);
    expect(published.controller.phases.map((p) => [p.phase, p.minGreenS, p.maxGreenS, p.omittable])).toEqual([
      [2, 5, 30, false],
      [4, 5, 30, false],
    ]);
    expect(published.controller.phases[0]!.approaches).toEqual([{ approachId: "N", lanes: 1, share: 1 }]);
    expect(published.hash).toBe(controllerConfigHash(published.controller));

    // Every queued message carries a seq that only goes up (the retained status and configuration go out
    // at connect, around the outbox), and nothing the agent sent failed the protocol's schemas.
    const seqs = watcher.seen.filter((s) => s.kind !== "status" && s.kind !== "config").map((s) => s.payload.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(watcher.invalid).toEqual([]);

    // A client that connects later gets the status as a retained message.
    const late = await Watcher.open(broker.url, REGION, "i1", HUB);
    cleanups.push(() => late.close());
    const retained = await late.waitFor("the retained status", () => late.seen.find((s) => s.kind === "status" && s.retain));
    expect(retained.payload).toMatchObject({ online: true });
    const retainedConfig = await late.waitFor("the retained configuration", () => late.seen.find((s) => s.kind === "config" && s.retain));
    expect(retainedConfig.payload).toMatchObject({ hash: published.hash });

    await agent.stop();
    await watcher.waitFor("the offline status after stop", () => watcher.of("status").find((s) => !s.online));
  });

  it("applies a retained plan from the hub at a cycle boundary, and acknowledges a hold command", async () => {
    const hub = await connectClient(broker.url, HUB);
    cleanups.push(() => hub.endAsync(true));
    const nowMs = Date.now();
    const plan: Plan = {
      intersectionId: "i2",
      seq: 1,
      ts: nowMs,
      planId: "hub-plan-7",
      cycleS: 24,
      offsetS: 0,
      splitsS: { "2": 12, "4": 12 },
      validUntil: nowMs + 600_000,
      reason: "test: webster from measures",
    };
    await hub.publishAsync(topicFor(REGION, "i2", "plan"), JSON.stringify(plan), { qos: 1, retain: true });
    cleanups.push(() => hub.publishAsync(topicFor(REGION, "i2", "plan"), "", { qos: 1, retain: true }));

    const watcher = await watch("i2");
    // A 3 s start-up all-red: the retained plan arrives well before that first cycle boundary.
    const agent = await startAgent(configFor("i2", { controller: twoPhaseController({ startupAllRedS: 3 }) }));

    const first = await watcher.waitFor("a first signal", () => watcher.of("signal")[0]);
    expect(first.planId).toBeNull();
    const adaptive = await watcher.waitFor("a signal running the hub's plan", () => watcher.of("signal").find((s) => s.planId === "hub-plan-7"));
    expect(adaptive.mode).toBe("adaptive");
    const status = await watcher.waitFor("a status in adaptive mode", () => watcher.of("status").find((s) => s.mode === "adaptive"));
    expect(status.lastPlanApplied).toBe("hub-plan-7");
    // The pattern change (131) and cycle length (132, in seconds) go out as hi-res events.
    await watcher.waitFor("event 132 with the plan's 24 s cycle", () =>
      watcher.events().find((e) => e.type === "hires" && e.code === HIRES.cycleLengthChange && e.param === 24),
    );

    const hold: Command = {
      intersectionId: "i2",
      seq: 2,
      ts: Date.now(),
      commandId: "hold-1",
      issuedBy: "operator-1",
      command: { action: "hold", phase: 2 },
    };
    await hub.publishAsync(topicFor(REGION, "i2", "command"), JSON.stringify(hold), { qos: 1 });
    const acks = await watcher.waitFor("hold-1 accepted then completed", () => {
      const results = watcher.events().flatMap((e) => (e.type === "ack" && e.commandId === "hold-1" ? [e.result] : []));
      return results.includes("completed") ? results : undefined;
    });
    expect(acks).toEqual(["accepted", "completed"]);
    await watcher.waitFor("a manual-mode signal holding phase 2", () => watcher.of("signal").find((s) => s.mode === "manual" && s.groups.ns === "G"));
    expect(agent.controller.state().mode).toBe("manual");
  });
});
