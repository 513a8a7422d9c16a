import { readdir, readFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../hub/broker/index.js";
import { topicFor, type Command, type CommandAction } from "../../protocol/index.js";
import { connectClient } from "../support/mqtt.js";
import { memoryLogger } from "../../edge/agent/camera/test-support/memory-logger.js";
import type { CameraConfig } from "../../edge/inference/index.js";
import { Agent, type AgentDeps } from "../../edge/agent/agent.js";
import { PersistedState } from "../../edge/agent/controller/index.js";
import { exampleCamera, testAgentConfig, Watcher, writeRoadFrames } from "../../edge/agent/test-support/agent-rig.js";

const REGION = "r1";
const HUB = { username: "hub", password: "hub-secret" };
const DEVICES = ["fault", "corrupt"].map((id) => ({ username: `dev-${id}`, password: `${id}-secret`, intersectionId: id, region: REGION }));

let broker: RunningBroker;
let dir: string;
let framesDir: string;
let cacheDir: string;
let camera: CameraConfig;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await startBroker({ host: "127.0.0.1", port: 0, hub: HUB, devices: DEVICES });
  dir = await mkdtemp(join(tmpdir(), "agent-restart-test-"));
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

function configFor(intersectionId: string) {
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
  });
}

async function startAgent(intersectionId: string, deps: AgentDeps = {}): Promise<Agent> {
  const agent = await Agent.start(configFor(intersectionId), deps);
  cleanups.push(() => agent.stop());
  return agent;
}

async function hubClient(): Promise<(intersectionId: string, commandId: string, action: CommandAction) => Promise<void>> {
  const hub = await connectClient(broker.url, HUB);
  cleanups.push(() => hub.endAsync(true));
  let seq = 0;
  return async (intersectionId, commandId, action) => {
    const command: Command = { intersectionId, seq: ++seq, ts: Date.now(), commandId, issuedBy: "operator-1", command: action };
    await hub.publishAsync(topicFor(REGION, intersectionId, "command"), JSON.stringify(command), { qos: 1 });
  };
}

function acksOf(watcher: Watcher, commandId: string): string[] {
  return watcher.events().flatMap((e) => (e.type === "ack" && e.commandId === commandId ? [e.result] : []));
}

async function savedState(intersectionId: string): Promise<PersistedState> {
  return PersistedState.parse(JSON.parse(await readFile(join(dir, `state-${intersectionId}`, "controller.json"), "utf8")));
}

describe("the agent's controller state across restarts", () => {
  it("comes back in flash after a restart with a latched fault, and only clear-fault ends it", async () => {
    const watcher = await Watcher.open(broker.url, REGION, "fault", HUB);
    cleanups.push(() => watcher.close());
    const send = await hubClient();

    // A failed load switch: the cross street's heads show green along with the main street's.
    const faulty = await startAgent("fault", {
      controllerOptions: { loadSwitches: (commanded) => ({ ...commanded, ew: commanded.ns === "G" ? "G" : commanded.ew }) },
    });
    await watcher.waitFor("the conflict-flash alarm", () => watcher.events().find((e) => e.type === "alarm" && e.alarm === "conflict-flash"));
    await watcher.waitFor("a flash signal", () => watcher.of("signal").find((s) => s.mode === "flash"));
    expect((await savedState("fault")).fault).not.toBeNull();
    await faulty.stop();

    const signalsBefore = watcher.of("signal").length;
    const signalsSinceRestart = () => watcher.of("signal").slice(signalsBefore);
    const agent = await startAgent("fault"); // healthy load switches now: the fault must stay latched anyway
    const first = await watcher.waitFor("the first signal after the restart", () => signalsSinceRestart()[0]);
    expect(first).toMatchObject({ mode: "flash", groups: { ns: "FR", ew: "FR" } });

    await send("fault", "resume-1", { action: "resume" });
    await watcher.waitFor("resume-1 rejected", () => (acksOf(watcher, "resume-1").includes("rejected") ? true : undefined));
    expect(agent.controller.state().mode).toBe("flash");
    await send("fault", "hold-1", { action: "hold", phase: 2 });
    await watcher.waitFor("hold-1 rejected", () => (acksOf(watcher, "hold-1").includes("rejected") ? true : undefined));
    expect(agent.controller.state().mode).toBe("flash");

    await send("fault", "clear-1", { action: "clear-fault" });
    await watcher.waitFor("clear-1 completed", () => (acksOf(watcher, "clear-1").includes("completed") ? true : undefined));
    const cycling = await watcher.waitFor("a signal back in the local plan", () => signalsSinceRestart().find((s) => s.mode === "fallback"));
    expect(cycling.groups).not.toEqual({ ns: "FR", ew: "FR" });
    expect((await savedState("fault")).fault).toBeNull();
  });

  it("starts in flash and logs an error when controller.json is corrupt, and keeps the bad file aside", async () => {
    const stateDir = join(dir, "state-corrupt");
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, "controller.json"), '{"version": 1, "fault": nul');
    const watcher = await Watcher.open(broker.url, REGION, "corrupt", HUB);
    cleanups.push(() => watcher.close());
    const { logger, records } = memoryLogger();

    const agent = await startAgent("corrupt", { logger });
    const first = await watcher.waitFor("a flash signal", () => watcher.of("signal").find((s) => s.mode === "flash"));
    expect(first.groups).toEqual({ ns: "FR", ew: "FR" });
    expect(watcher.of("signal").every((s) => s.groups.ns !== "G" && s.groups.ew !== "G")).toBe(true);
    expect(records).toContainEqual(expect.objectContaining({ level: 50, msg: expect.stringMatching(/controller state unusable/) }));
    await watcher.waitFor("the fail-safe flash acknowledged", () => (acksOf(watcher, "agent-start-flash").includes("completed") ? true : undefined));

    // The flash is saved as an operator flash, so a second restart stays in flash too, and the bad file is kept.
    expect(await savedState("corrupt")).toMatchObject({ operatorFlash: true, fault: null });
    expect((await readdir(stateDir)).some((name) => name.startsWith("controller.json.unreadable-"))).toBe(true);

    const send = await hubClient();
    await send("corrupt", "resume-1", { action: "resume" });
    await watcher.waitFor("a signal back in the local plan after resume", () => watcher.of("signal").find((s) => s.mode === "fallback"));
    expect(agent.controller.state().mode).not.toBe("flash");
  });
});
