import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import type { IntervalMeasures } from "../../edge/inference/index.js";
import { AgentCore, ControllerCore, MqttLink, type AgentPublisher } from "../../edge/agent/index.js";
import { publishedTimingOf } from "../../edge/agent/controller/index.js";
import type { ControlMode } from "../../protocol/index.js";
import type { Scenario, ScenarioIntersection } from "../../simulators/index.js";
import { controllerConfigOf, defaultPlanOf } from "../../simulators/closed-loop/intersection-control.js";
import { hubTimingOf } from "../../simulators/closed-loop/intersection-timing.js";
import type { HubConfigInput } from "../../hub/config.js";

/** Device password of every simulated agent (test-only). */
export const SIM_DEVICE_PASSWORD = "sim-device-secret";

type HubIntersectionInput = NonNullable<HubConfigInput["intersections"]>[number];
type DeviceAccountInput = { username: string; password: string; intersectionId: string; region: string };

/** The hub's view of a scenario: its intersections (position, timing) and one device account each. */
export function hubSideOf(scenario: Scenario, region: string): { intersections: HubIntersectionInput[]; devices: DeviceAccountInput[] } {
  return {
    intersections: scenario.intersections.map((x) => {
      const timing = hubTimingOf(scenario, x, { corridorId: scenario.name });
      return { intersectionId: x.id, region, name: x.name ?? x.id, position: { xM: x.position.xM, yM: x.position.yM }, timing };
    }),
    devices: scenario.intersections.map((x) => ({ username: `dev-${x.id}`, password: SIM_DEVICE_PASSWORD, intersectionId: x.id, region })),
  };
}

export interface SimAgent {
  readonly intersectionId: string;
  readonly core: AgentCore;
  readonly controller: ControllerCore;
  readonly link: MqttLink;
  /** Commands the agent received, in order (ids). */
  readonly commandsReceived: string[];
}

export interface SimAgentsOptions {
  brokerUrl: string;
  region: string;
  intersections: readonly ScenarioIntersection[];
  /** Controller tick (real time). */
  tickMs?: number;
  measuresIntervalMs?: number;
  logger?: Logger;
}

export interface SimAgents {
  readonly agents: SimAgent[];
  agent(intersectionId: string): SimAgent;
  stop(): Promise<void>;
}

/**
 * Synthetic measures: a steady demand per approach, rising and falling over a few minutes, with a
 * queue that builds on red. Deterministic per intersection, so screenshots look alike run to run.
 */
function syntheticMeasures(x: ScenarioIntersection, index: number, controller: ControllerCore, intervalMs: number, nowMs: number): IntervalMeasures {
  const groups = controller.state().groups ?? {};
  const wave = 1 + 0.35 * Math.sin(nowMs / 90_000 + index);
  const approaches = Object.entries(x.approaches).map(([leg, a], k) => {
    const lanes = a ? a.lanes.through + a.lanes.left + a.lanes.right : 1;
    const main = leg === "E" || leg === "W";
    const perHour = (main ? 420 : 160) * lanes * wave * (1 + 0.1 * k);
    const count = Math.max(0, Math.round((perHour * intervalMs) / 3_600_000));
    const green = Object.entries(groups).some(([g, s]) => g.startsWith(`${leg}-`) && s === "G");
    const queue = Math.round((green ? 0.5 : 2 + (main ? 4 : 1.5) * wave) * 10) / 10;
    return { approachId: leg, count, countsByClass: { car: count }, queue, occupancy: Math.min(1, queue / 12) };
  });
  return { intervalMs, framesProcessed: Math.round(intervalMs / 100), approaches };
}

/**
 * N in-process edge agents, each the real pieces of the field agent with synthetic counts instead
 * of a camera: `ControllerCore` (from the scenario, local fixed-time fallback) inside `AgentCore`,
 * ticking in real time, publishing through a real `MqttLink` (on-disk outbox) logged in as its own
 * device. Plans and operator commands from the hub really reach the controller, which answers.
 */
export async function startSimAgents(options: SimAgentsOptions): Promise<SimAgents> {
  const tickMs = options.tickMs ?? 100;
  const measuresIntervalMs = options.measuresIntervalMs ?? 5000;
  const log = options.logger ?? pino({ level: "silent" });
  const dir = await mkdtemp(join(tmpdir(), "sim-agents-"));
  const agents: SimAgent[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  try {
    for (const [index, x] of options.intersections.entries()) {
      const startMs = Date.now();
      // Offsets staggered so the agents do not all change at the same instant (as a real city's don't).
      const plan = defaultPlanOf(x);
      const fallbackPlan = { ...plan, offsetS: (index * 23) % plan.cycleS };
      const controller = new ControllerCore(controllerConfigOf(x, { fallback: "fixed", plan: fallbackPlan }), startMs);
      const publisher: AgentPublisher & { link?: MqttLink } = {
        publishMeasures: (m) => publisher.link?.publishMeasures(m).catch((err: unknown) => log.warn({ err }, "measures not queued")),
        publishSignal: (s) => publisher.link?.publishSignal(s).catch((err: unknown) => log.warn({ err }, "signal not queued")),
        publishEvents: (e) => publisher.link?.publishEvents(e).catch((err: unknown) => log.warn({ err }, "events not queued")),
      };
      const core = new AgentCore({
        intersectionId: x.id,
        controller,
        flushMeasures: (nowMs) => syntheticMeasures(x, index, controller, measuresIntervalMs, nowMs),
        modelId: "synthetic",
        measuresIntervalMs,
        publisher,
        zoneIds: [],
        startMs,
      });
      const commandsReceived: string[] = [];
      const link = await MqttLink.open(
        {
          url: options.brokerUrl,
          username: `dev-${x.id}`,
          password: SIM_DEVICE_PASSWORD,
          region: options.region,
          intersectionId: x.id,
          outboxDir: join(dir, x.id),
          outbox: { fsync: false },
          backoff: { initialMs: 100, maxMs: 1000 },
          version: "sim-1",
        },
        {
          logger: log,
          onPlan: (plan) => core.plan(plan, Date.now()),
          onCommand: (command) => {
            commandsReceived.push(command.commandId);
            core.command(command, Date.now());
          },
        },
      );
      publisher.link = link;
      link.setControllerTiming(publishedTimingOf(controller.config));
      let statusMode: ControlMode | undefined;
      let lastPlan: string | null = null;
      const status = (): void => {
        statusMode = controller.state().mode;
        link.setStatus({ mode: statusMode, camera: { ok: true, lastFrameTs: Date.now() }, inferenceFps: 10, model: "synthetic", lastPlanApplied: lastPlan });
      };
      status();
      timers.push(
        setInterval(() => {
          const signal = core.tick(Date.now());
          if (signal && (signal.mode !== statusMode || (signal.planId !== null && signal.planId !== lastPlan))) {
            if (signal.planId !== null) lastPlan = signal.planId;
            status();
          }
        }, tickMs),
      );
      timers.push(setInterval(status, 5000));
      agents.push({ intersectionId: x.id, core, controller, link, commandsReceived });
    }
  } catch (err) {
    for (const t of timers) clearInterval(t);
    await Promise.allSettled(agents.map((a) => a.link.close()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    agents,
    agent(id) {
      const a = agents.find((x) => x.intersectionId === id);
      if (!a) throw new Error(`no simulated agent ${id}`);
      return a;
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled(agents.map((a) => a.link.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
