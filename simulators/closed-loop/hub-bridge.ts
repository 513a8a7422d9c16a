import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import type { AgentPublisher } from "../../edge/agent/agent-core.js";
import { publishedTimingOf } from "../../edge/agent/controller/index.js";
import { MqttLink } from "../../edge/agent/link/index.js";
import { Hub } from "../../hub/hub.js";
import type { HubConfigInput, Role } from "../../hub/config.js";
import { cameraAtspmConfig, cameraAtspmDetectors } from "../camera/index.js";
import type { Scenario } from "../traffic/scenario.js";
import { corridorIdOf } from "./engineer-plan.js";
import { hubTimingOf } from "./intersection-timing.js";
import { SIM_EPOCH_MS, type HubBridge, type SimulatedAgentStatus } from "./run.js";
import { SimulatedClock } from "./sim-clock.js";

export const SIM_REGION = "sim";

/** Hub configuration for a scenario: every intersection with the hub's own settings (phases come from each controller), a device account each. */
export function hubConfigForScenario(
  scenario: Scenario,
  options: {
    brokerPort?: number;
    apiPort?: number;
    clock: "wall" | "measures";
    passwords: Record<string, string>;
    policy?: "webster" | "max-pressure";
    tokens?: { name: string; role: Role; token: string }[];
  },
): HubConfigInput {
  const corridorId = corridorIdOf(scenario);
  return {
    regions: [SIM_REGION],
    broker: {
      type: "embedded",
      port: options.brokerPort ?? 0,
      devices: scenario.intersections.map((x) => ({ username: `edge-${x.id}`, password: options.passwords[x.id]!, intersectionId: x.id, region: SIM_REGION })),
      // Simulated time runs many times faster than the wall clock a device's rate is measured on.
      publishRate: null,
    },
    api: { port: options.apiPort ?? 0, ...(options.tokens ? { tokens: options.tokens } : {}) },
    intersections: scenario.intersections.map((x) => {
      const timing = hubTimingOf(scenario, x, { ...(corridorId ? { corridorId } : {}), ...(options.policy ? { policy: options.policy } : {}) });
      // The simulated camera's stop-bar and advance zones, as the performance measures' detectors.
      const atspm = cameraAtspmConfig(cameraAtspmDetectors(scenario, x.id));
      return { intersectionId: x.id, region: SIM_REGION, ...(x.name ? { name: x.name } : {}), position: x.position, timing, atspm };
    }),
    planning: { clock: options.clock },
    log: { level: "silent" },
  };
}

/** A fresh random password per simulated device. */
export function devicePasswords(scenario: Scenario): Record<string, string> {
  return Object.fromEntries(scenario.intersections.map((x) => [x.id, `sim-${x.id}-${randomBytes(9).toString("base64url")}`]));
}

/**
 * Closes the simulated city's loop through a real hub over real MQTT: each intersection's agent
 * publishes through its own MqttLink (device account, outbox, seq) to the hub's embedded broker,
 * and plans come back the same way. Simulated time runs faster than the network, so after each
 * step that produced measures `settle` waits (in real time) until the hub has taken them in and
 * every plan it published has reached its agent: the result does not depend on machine speed.
 * A hub the bridge starts runs on a `SimulatedClock` that `advance` sets: the simulation, not any
 * device's `ts`, drives the time it plans at. An existing hub keeps its own clock.
 */
export async function startHubBridge(
  scenario: Scenario,
  options: {
    logger?: Logger;
    policy?: "webster" | "max-pressure";
    /** Use a hub that is already running (with these device passwords) instead of starting one. */
    existing?: { hub: Hub; passwords: Record<string, string> };
    /** Real-time pacing: never wait for the hub, as real agents would not. */
    realtime?: boolean;
  } = {},
): Promise<HubBridge & { hub: Hub }> {
  const log = options.logger ?? pino({ level: "silent" });
  const passwords = options.existing?.passwords ?? devicePasswords(scenario);
  const clock = options.existing ? null : new SimulatedClock(SIM_EPOCH_MS);
  const hub =
    options.existing?.hub ??
    (await Hub.start(hubConfigForScenario(scenario, { clock: "measures", passwords, ...(options.policy ? { policy: options.policy } : {}) }), {
      logger: log,
      now: clock!.now,
    }));
  return bridgeToHub(hub, passwords, { ownsHub: !options.existing, clock, ...(options.realtime ? { realtime: true } : {}) });
}

/**
 * The bridge over a running hub whose device accounts are `edge-<intersection id>` with these
 * passwords (any simulator's intersections: the closed loop's, SUMO's). `ownsHub`: close stops it.
 * `clock`: the `SimulatedClock` the hub was started with, which `advance` sets (null: the hub keeps its own).
 */
export async function bridgeToHub(
  hub: Hub,
  passwords: Record<string, string>,
  options: { ownsHub: boolean; clock: SimulatedClock | null; realtime?: boolean },
): Promise<HubBridge & { hub: Hub }> {
  const clock = options.clock;
  const dir = await mkdtemp(join(tmpdir(), "sim-outbox-"));
  const links: MqttLink[] = [];
  let measuresSent = 0;
  let plansReceived = 0;
  let settledAt = 0;
  return {
    hub,
    async publisherFor(intersectionId, deliver, controller): Promise<AgentPublisher & { setStatus(status: SimulatedAgentStatus): void }> {
      const link = await MqttLink.open({
        url: hub.brokerUrl,
        username: `edge-${intersectionId}`,
        password: passwords[intersectionId]!,
        region: SIM_REGION,
        intersectionId,
        outboxDir: join(dir, intersectionId),
        // Simulated agents need order and completeness, not crash durability.
        outbox: { fsync: false },
        version: "simulated",
      }, { now: hub.now });
      links.push(link);
      // As a field agent does: the hub plans against the controller's own timing.
      link.setControllerTiming(publishedTimingOf(controller));
      link.onPlan((plan) => {
        plansReceived++;
        deliver.plan(plan);
      });
      link.onCommand((command) => deliver.command(command));
      return {
        publishMeasures: (m) => {
          measuresSent++;
          return link.publishMeasures(m);
        },
        publishSignal: (s) => link.publishSignal(s),
        publishEvents: (e) => link.publishEvents(e),
        setStatus: (status) => link.setStatus(status),
      };
    },
    advance(simMs: number): void {
      clock?.set(simMs);
    },
    async settle(): Promise<void> {
      if (options.realtime || measuresSent === settledAt) return;
      const deadline = Date.now() + 30_000;
      const ingested = (): number => hub.metrics().ingest.messages.measures;
      while (ingested() < measuresSent || plansReceived < hub.metrics().plansPublished) {
        if (Date.now() > deadline) throw new Error(`hub bridge: hub took ${ingested()} of ${measuresSent} measures and delivered ${plansReceived} of ${hub.metrics().plansPublished} plans within 30 s`);
        await new Promise((r) => setTimeout(r, 1));
      }
      settledAt = measuresSent;
    },
    async close(): Promise<void> {
      for (const link of links) await link.close();
      if (options.ownsHub) await hub.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
