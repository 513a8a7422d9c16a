import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import sharp from "sharp";
import { decodeMessage, topicFilter, type PayloadByKind, type TopicKind } from "../../../protocol/index.js";
import { connectClient } from "../../../tests/support/mqtt.js";
import { loadCameraConfig, type CameraConfig } from "../../inference/index.js";
import { Agent } from "../agent.js";
import { AgentConfig, type AgentConfigInput } from "../config.js";
import type { ControllerConfigInput } from "../controller/index.js";

/** The project's example camera: approach N with a queue zone and a stop-line loop (1280×720). */
export async function exampleCamera(): Promise<CameraConfig> {
  const path = join(import.meta.dirname, "../../../examples/camera.yaml");
  return loadCameraConfig(await readFile(path, "utf8"), "yaml");
}

/**
 * A quick two-phase controller: 1 s start-up all-red unless told otherwise, 20 s fixed cycle.
 * Phase 2 (group ns) comes first in the ring.
 */
export function twoPhaseController(overrides: Partial<ControllerConfigInput> = {}): ControllerConfigInput {
  return {
    signalGroups: [
      { id: "ns", kind: "vehicle" },
      { id: "ew", kind: "vehicle" },
    ],
    conflicts: [["ns", "ew"]],
    phases: [
      { phase: 2, groups: ["ns"], minGreenS: 5, maxGreenS: 30, yellowS: 3, redClearanceS: 1, detectors: ["N-stopbar"], approaches: [{ approachId: "N", lanes: 1 }] },
      { phase: 4, groups: ["ew"], minGreenS: 5, maxGreenS: 30, yellowS: 3, redClearanceS: 1 },
    ],
    fallback: { mode: "fixed", cycleS: 20, splitsS: { "2": 10, "4": 10 }, offsetS: 0 },
    // A test rig: faults are cleared over MQTT, as in the simulators.
    remoteClearFault: true,
    ...overrides,
  };
}

/**
 * `count` JPEG frames (320×180, a quarter of the example camera) of a grey road in which a dark
 * "vehicle" sits over the N stop-line loop in frames 4–7 of every 12, so the loop turns on and off.
 */
export async function writeRoadFrames(dir: string, count = 12): Promise<void> {
  await mkdir(dir, { recursive: true });
  const width = 320;
  const height = 180;
  for (let i = 0; i < count; i++) {
    const pixels = Buffer.alloc(width * height * 3, 120);
    if (i % 12 >= 4 && i % 12 < 8) {
      // The loop is x 116–204, y 107–118 at this scale; the box covers it with a margin.
      for (let y = 100; y < 125; y++) {
        for (let x = 110; x < 210; x++) pixels.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `frame-${String(i).padStart(3, "0")}.jpg`));
  }
}

export interface Seen<K extends TopicKind = TopicKind> {
  kind: K;
  payload: PayloadByKind[K];
  retain: boolean;
}

/** A hub-side client that records every message of one intersection, each checked with the protocol's decoder. */
export class Watcher {
  readonly seen: Seen[] = [];
  readonly invalid: string[] = [];

  private constructor(readonly client: MqttClient) {}

  static async open(url: string, region: string, intersectionId: string, auth: { username?: string; password?: string } = {}): Promise<Watcher> {
    const client = await connectClient(url, auth);
    const watcher = new Watcher(client);
    client.on("message", (topic, body, packet) => {
      const decoded = decodeMessage(topic, body);
      if (decoded.ok) watcher.seen.push({ kind: decoded.kind, payload: decoded.payload, retain: packet.retain });
      else if (body.length > 0) watcher.invalid.push(`${topic}: ${decoded.error}`);
    });
    await client.subscribeAsync(topicFilter(region, intersectionId, "+"), { qos: 1 });
    return watcher;
  }

  of<K extends TopicKind>(kind: K): PayloadByKind[K][] {
    return this.seen.filter((s): s is Seen<K> => s.kind === kind).map((s) => s.payload);
  }

  /** Polls until `find` returns something, or fails naming `what` after `timeoutMs`. */
  async waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        const recent = this.seen.slice(-5).map((s) => `${s.kind} ${JSON.stringify(s.payload).slice(0, 300)}`);
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last messages:\n${recent.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Every `events` entry seen so far, flattened. */
  events(): PayloadByKind["events"]["events"] {
    return this.of("events").flatMap((e) => e.events);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export interface TestAgentSettings {
  intersectionId: string;
  region: string;
  brokerUrl: string;
  username?: string;
  password?: string;
  stateDir: string;
  framesDir: string;
  cacheDir: string;
  camera: CameraConfig;
  controller?: ControllerConfigInput;
}

/** An agent config with short intervals: measures every 1 s, ticks every 50 ms, status every 500 ms. */
export function testAgentConfig(s: TestAgentSettings): AgentConfig {
  return AgentConfig.parse({
    intersectionId: s.intersectionId,
    region: s.region,
    version: "test-1",
    stateDir: s.stateDir,
    broker: {
      url: s.brokerUrl,
      ...(s.username === undefined ? {} : { username: s.username, password: s.password }),
      backoff: { initialMs: 100, maxMs: 1000 },
      outbox: { fsync: false },
    },
    camera: { source: { type: "folder", path: s.framesDir, fps: 10 }, config: s.camera },
    model: { type: "builtin", cacheDir: s.cacheDir },
    controller: s.controller ?? twoPhaseController(),
    measuresIntervalMs: 1000,
    tickMs: 50,
    statusIntervalMs: 500,
    log: { level: "silent" },
  } satisfies AgentConfigInput);
}

/** The camera with its stop-line loop moved to `polygon`. */
export function withLoopAt(camera: CameraConfig, polygon: [number, number][]): CameraConfig {
  return {
    ...camera,
    approaches: camera.approaches.map((a) => ({ ...a, zones: a.zones.map((z) => (z.kind === "loop" ? { ...z, polygon } : z)) })),
  };
}

/** The agent's `traffic_edge_vehicles_counted_total` for approach N, read from its metrics text. */
export function countedOnN(agent: Agent): number {
  const line = agent.metricsText().split("\n").find((l) => l.startsWith('traffic_edge_vehicles_counted_total{approach="N"}'));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

export interface RoadAgentSettings {
  /** Prefix of the temp dir that holds the frames, state and model cache. */
  tmpPrefix: string;
  intersectionId: string;
  region: string;
  brokerUrl: string;
  username?: string;
  password?: string;
  /** Defaults to the example camera. */
  camera?: CameraConfig;
  /** Top-level config keys laid over `testAgentConfig`'s (metrics, snapshot ...). */
  overrides?: Partial<AgentConfigInput>;
}

export interface RoadAgent {
  agent: Agent;
  dir: string;
  /** Stops the agent and removes its temp dir. */
  dispose(): Promise<void>;
}

/** A real agent in a temp dir, reading `writeRoadFrames` frames through `testAgentConfig`. */
export async function startRoadAgent(s: RoadAgentSettings): Promise<RoadAgent> {
  const dir = await mkdtemp(join(tmpdir(), s.tmpPrefix));
  await writeRoadFrames(join(dir, "frames"));
  const base = testAgentConfig({
    intersectionId: s.intersectionId,
    region: s.region,
    brokerUrl: s.brokerUrl,
    ...(s.username === undefined ? {} : { username: s.username, password: s.password }),
    stateDir: join(dir, "state"),
    framesDir: join(dir, "frames"),
    cacheDir: join(dir, "models"),
    camera: s.camera ?? (await exampleCamera()),
  });
  const agent = await Agent.start(s.overrides === undefined ? base : AgentConfig.parse({ ...base, ...s.overrides }));
  return {
    agent,
    dir,
    async dispose() {
      await agent.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
