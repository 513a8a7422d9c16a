import { z } from "zod";
import { parseOrThrow, type Command, type ControlMode, type ControllerEvent, type Measures, type Plan, type SignalState } from "../../protocol/index.js";
import { AgentCore, type AgentPublisher } from "../../edge/agent/agent-core.js";
import { ControllerCore, type ControllerConfig, type ControllerConfigInput } from "../../edge/agent/controller/index.js";
import { detectorChannelsOf, VirtualLoopVehicleCounter, type CameraConfig, type FrameInput, type RawRgbFrame } from "../../edge/inference/index.js";
import { CameraRenderer, countAccuracy, encodeJpeg } from "../camera/index.js";
import type { Leg, Turn } from "../traffic/geometry.js";
import type { Scenario, ScenarioIntersection } from "../traffic/scenario.js";
import type { NetworkSnapshot } from "../traffic/index.js";
import type { SignalSource } from "../traffic/signal-source.js";
import { TrafficSimulation } from "../traffic/simulation.js";
import { engineerPlans } from "./engineer-plan.js";
import { conflictsOf, controllerConfigOf, movementGroupId } from "./intersection-control.js";

export const CONTROLLERS = ["fixed", "actuated", "hub"] as const;
export type ControllerKind = (typeof CONTROLLERS)[number];

export const ClosedLoopOptions = z.object({
  controller: z.enum(CONTROLLERS),
  /** Simulated seconds; the scenario's duration when omitted; Infinity runs until aborted. */
  durationS: z.union([z.number().positive(), z.literal(Number.POSITIVE_INFINITY)]).optional(),
  seed: z.number().int().min(0).optional(),
  /** Camera frames per second per intersection (and the simulation's step). */
  fps: z.number().min(1).max(30).default(5),
  measuresIntervalMs: z.number().int().min(1000).max(60_000).default(5000),
  /** Send every frame through JPEG encoding, as a real camera feed would (slower). */
  jpeg: z.boolean().default(false),
  cacheDir: z.string().optional(),
});
export type ClosedLoopOptionsInput = z.input<typeof ClosedLoopOptions>;

/** Simulated time starts here (2026-01-05 07:00 UTC, a Monday morning): fixed, so runs are reproducible. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 5, 7, 0, 0);

/** What a simulated agent says in its status, as a field agent does (model, camera, inference rate, software). */
export interface SimulatedAgentStatus {
  mode: ControlMode;
  camera: { ok: boolean; lastFrameTs: number | null; fps?: number };
  inferenceFps: number;
  model: string;
  lastPlanApplied: string | null;
}

/**
 * How the hub takes part in a closed loop with `controller: "hub"`: each intersection publishes
 * through the bridge (real MQTT to a real hub), and the bridge hands plans and commands back.
 * `advance` drives the hub's clock in simulated time; `settle` lets the loop wait, in real time,
 * for the hub to answer what simulated time produced.
 */
export interface HubBridge {
  /** `controller`: the configuration the intersection's controller runs, whose timing the agent publishes for the hub (`…/config`). */
  publisherFor(
    intersectionId: string,
    deliver: { plan(plan: Plan): void; command(command: Command): void },
    controller: ControllerConfig,
  ): Promise<AgentPublisher & { setStatus?(status: SimulatedAgentStatus): void }>;
  /** Simulated time has reached `simMs`: the hub's clock follows (set before the step's messages go out). */
  advance(simMs: number): void;
  settle(simMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface ClosedLoopResult {
  scenario: string;
  controller: ControllerKind;
  seed: number;
  durationS: number;
  avgDelayS: number;
  stopsPerVehicle: number;
  maxQueueVeh: number;
  throughputVeh: number;
  vehiclesEntered: number;
  /** Agents' stop-line counts (from rendered frames only) against the simulation's truth, per approach and 5-minute bin. */
  countAccuracy: number;
  /** Ticks at which two conflicting signal groups showed green or yellow together, seen by an independent observer. */
  conflictViolations: number;
  framesProcessed: number;
  wallS: number;
}

interface Rig {
  x: ScenarioIntersection;
  renderer: CameraRenderer;
  counter: VirtualLoopVehicleCounter;
  core: AgentCore;
  groups: Record<string, SignalState>;
  conflicts: [string, string][];
  frameBuffer: Uint8Array<ArrayBuffer>;
}

const BIN_MS = 5 * 60_000;

/**
 * A simulated city where every intersection is driven by a real edge agent (in process): it sees
 * only rendered camera frames, counts with the built-in model, and its controller's signal states
 * are what the simulated vehicles obey. Time is simulated throughout.
 */
export async function runClosedLoop(
  scenario: Scenario,
  optionsInput: ClosedLoopOptionsInput,
  hooks: {
    onProgress?: (doneS: number, totalS: number) => void;
    hub?: HubBridge;
    /** Called before each step with its simulated time; resolve when it may run (real-time pacing). */
    pace?: (simMs: number) => Promise<void>;
    /** Every rendered frame, e.g. to show the latest on a dashboard. */
    onFrame?: (intersectionId: string, frame: RawRgbFrame, camera: CameraConfig) => void;
    /** Stops the run after the current step. */
    signal?: AbortSignal;
    /** Simulated time of the first step (ms since epoch); SIM_EPOCH_MS by default. */
    epochMs?: number;
    /** After each step moved the vehicles, before the agents see its frames: the snapshot and the signal states shown during it (ground truth, e.g. `AtspmTruth`). */
    onStep?: (simMs: number, snapshot: NetworkSnapshot, groups: ReadonlyMap<string, Readonly<Record<string, SignalState>>>) => void;
    /** Every event an agent publishes (controller and detector events, acks, alarms). */
    onEvents?: (intersectionId: string, events: readonly ControllerEvent[]) => void;
  } = {},
): Promise<ClosedLoopResult> {
  const options = parseOrThrow(ClosedLoopOptions, optionsInput, "closedLoop");
  const started = performance.now();
  const seed = options.seed ?? scenario.seed;
  const durationS = options.durationS ?? scenario.durationS;
  const stepS = 1 / options.fps;
  if (options.controller === "hub" && !hooks.hub) throw new Error("closedLoop: controller 'hub' needs a hub bridge");
  if (!Number.isFinite(durationS) && !hooks.signal) throw new Error("closedLoop: an endless run needs an abort signal");
  const epochMs = hooks.epochMs ?? SIM_EPOCH_MS;
  const plans = options.controller === "actuated" ? undefined : engineerPlans(scenario, seed, Number.isFinite(durationS) ? durationS : scenario.durationS);

  // The hub's clock starts with simulated time, before any agent connects.
  hooks.hub?.advance(epochMs);
  const counted: Record<string, number> = {};
  const truth: Record<string, number> = {};
  const rigs: Rig[] = [];
  for (const x of scenario.intersections) {
    const renderer = new CameraRenderer(scenario, x.id, { seed: seed + rigs.length });
    const camera = renderer.camera;
    const counter = await VirtualLoopVehicleCounter.create(camera, epochMs, {
      background: renderer.emptyFrame(0),
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    });
    // ATSPM's stop-bar and advance zones (those with a channel) report to the hub only: the
    // controller actuates on the loops and queue zones, as before they were added.
    const zonesOf = (leg: Leg): string[] => camera.approaches.find((a) => a.id === leg)?.zones.filter((z) => z.channel === undefined).map((z) => z.id) ?? [];
    const controllerConfig: ControllerConfigInput = controllerConfigOf(x, {
      fallback: options.controller === "actuated" ? "actuated" : "fixed",
      ...(plans?.[x.id] ? { plan: plans[x.id] } : {}),
      loopZonesOf: zonesOf,
    });
    const controller = new ControllerCore(controllerConfig, epochMs);
    const measuresSink = (m: { ts: number } & Omit<Measures, "seq" | "intersectionId" | "ts">): void => {
      for (const a of m.approaches) {
        const key = `${x.id}/${a.approachId}/${Math.floor((m.ts - epochMs - 1) / BIN_MS)}`;
        counted[key] = (counted[key] ?? 0) + a.count;
      }
    };
    let core: AgentCore | undefined;
    let publisher: AgentPublisher = { publishMeasures: measuresSink, publishSignal: () => undefined, publishEvents: () => undefined };
    const onEvents = hooks.onEvents;
    if (hooks.hub) {
      const remote = await hooks.hub.publisherFor(x.id, {
        plan: (plan) => core?.plan(plan, simNowMs),
        command: (command) => core?.command(command, simNowMs),
      }, controller.config);
      // The status goes out at once and with every measures interval, so the dashboard's Agent
      // panel fills in within seconds of the start (it stayed "–" when only `online` was sent).
      let lastStatusMs = epochMs;
      let framesAtLastStatus = 0;
      const sendStatus = (nowMs: number): void => {
        const frames = core?.framesTotal ?? 0;
        const elapsedS = (nowMs - lastStatusMs) / 1000;
        const fps = elapsedS > 0 ? Math.round(((frames - framesAtLastStatus) / elapsedS) * 100) / 100 : 0;
        lastStatusMs = nowMs;
        framesAtLastStatus = frames;
        remote.setStatus?.({
          mode: controller.state().mode,
          camera: { ok: true, lastFrameTs: frames > 0 ? nowMs : null, fps },
          inferenceFps: fps,
          model: counter.modelId.slice(0, 200),
          lastPlanApplied: controller.state().planId,
        });
      };
      sendStatus(epochMs);
      publisher = {
        publishMeasures: (m) => {
          measuresSink(m);
          sendStatus(m.ts);
          return remote.publishMeasures(m);
        },
        publishSignal: (s) => remote.publishSignal(s),
        publishEvents: (e) => remote.publishEvents(e),
      };
    }
    if (onEvents) {
      const inner = publisher;
      publisher = {
        ...inner,
        publishEvents: (e) => {
          onEvents(x.id, e.events);
          return inner.publishEvents(e);
        },
      };
    }
    core = new AgentCore({
      intersectionId: x.id,
      controller,
      flushMeasures: (nowMs) => counter.flush(nowMs),
      modelId: counter.modelId,
      measuresIntervalMs: options.measuresIntervalMs,
      publisher,
      zoneIds: camera.approaches.flatMap((a) => a.zones.map((z) => z.id)),
      zoneChannels: detectorChannelsOf(camera),
      startMs: epochMs,
    });
    rigs.push({ x, renderer, counter, core, groups: controller.state().groups, conflicts: conflictsOf(x), frameBuffer: new Uint8Array(renderer.width * renderer.height * 3) });
  }

  const byId = new Map(rigs.map((r) => [r.x.id, r]));
  const signals: SignalSource = {
    stateOf(intersectionId: string, approach: Leg, turn: Turn): SignalState {
      return byId.get(intersectionId)?.groups[movementGroupId(approach, turn)] ?? "R";
    },
  };
  const sim = new TrafficSimulation(scenario, signals, { seed });
  let simNowMs = epochMs;
  let conflictViolations = 0;
  let framesProcessed = 0;
  const steps = Number.isFinite(durationS) ? Math.round(durationS / stepS) : Infinity;
  let i = 0;
  while (i < steps && !hooks.signal?.aborted) {
    i++;
    if (hooks.pace) await hooks.pace(epochMs + Math.round(i * stepS * 1000));
    const crossings = sim.step(stepS);
    simNowMs = epochMs + Math.round(i * stepS * 1000);
    hooks.hub?.advance(simNowMs);
    for (const c of crossings) {
      const key = `${c.intersectionId}/${c.approach}/${Math.floor((c.tS * 1000 - 1) / BIN_MS)}`;
      truth[key] = (truth[key] ?? 0) + 1;
    }
    const snapshot = sim.snapshot();
    hooks.onStep?.(simNowMs, snapshot, new Map(rigs.map((r) => [r.x.id, r.groups])));
    const frames: FrameInput[] = [];
    for (const rig of rigs) {
      const rendered = rig.renderer.render(snapshot, crossings, rig.frameBuffer);
      hooks.onFrame?.(rig.x.id, rendered.frame, rig.renderer.camera);
      frames.push(options.jpeg ? await encodeJpeg(rendered.frame) : rendered.frame);
    }
    // The agents run concurrently, as separate boxes would; onnxruntime runs them on its own threads.
    const reports = await Promise.all(rigs.map((rig, k) => rig.counter.process(frames[k]!, simNowMs)));
    framesProcessed += reports.length;
    rigs.forEach((rig, k) => {
      rig.core.frame(reports[k]!);
      rig.core.tick(simNowMs);
      rig.groups = rig.core.controller.state().groups;
      conflictViolations += countConflicts(rig.groups, rig.conflicts);
    });
    if (hooks.hub) await hooks.hub.settle(simNowMs);
    if (hooks.onProgress && i % Math.max(1, Math.round(60 / stepS)) === 0) hooks.onProgress(i * stepS, durationS);
  }
  for (const rig of rigs) await rig.counter.close();
  const summary = sim.summary();
  return {
    scenario: scenario.name,
    controller: options.controller,
    seed,
    durationS: round(i * stepS, 1),
    avgDelayS: round(summary.avgDelayS, 2),
    stopsPerVehicle: round(summary.stopsPerVehicle, 3),
    maxQueueVeh: summary.maxQueueVeh,
    throughputVeh: summary.throughputVeh,
    vehiclesEntered: summary.vehiclesEntered,
    countAccuracy: round(countAccuracy(counted, truth).overall, 4),
    conflictViolations,
    framesProcessed,
    wallS: round((performance.now() - started) / 1000, 1),
  };
}

const RIGHT_OF_WAY = new Set<SignalState>(["G", "Y"]);

/** An observer independent of the controller's own monitor: conflicting pairs both showing right of way. */
export function countConflicts(groups: Readonly<Record<string, SignalState>>, conflicts: readonly (readonly [string, string])[]): number {
  let n = 0;
  for (const [a, b] of conflicts) if (RIGHT_OF_WAY.has(groups[a]!) && RIGHT_OF_WAY.has(groups[b]!)) n++;
  return n;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
