import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pino } from "pino";
import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";
import { AgentCore, type AgentPublisher } from "../../../edge/agent/agent-core.js";
import { ControllerCore } from "../../../edge/agent/controller/index.js";
import { MeasuresAggregator } from "../../../edge/inference/counting/index.js";
import { Hub } from "../../../hub/hub.js";
import type { HubConfig } from "../../../hub/config.js";
import { bridgeToHub } from "../../closed-loop/hub-bridge.js";
import { SimulatedClock } from "../../closed-loop/sim-clock.js";
import { SIM_EPOCH_MS, type HubBridge } from "../../closed-loop/run.js";
import {
  configsFromNet,
  detectorsAdditional,
  hasConfigs,
  loadConfigs,
  CLEARANCE_SOURCES,
  SUMO_CLEARANCES,
  SUMO_TLS_TYPES,
  changeIntervalsOf,
  withChangeIntervals,
  type ClearanceSource,
  type LoadedConfigs,
  tlsProgramsAdditional,
  writeConfigs,
  type SumoIntersectionConfig,
} from "../config/index.js";
import { programOf, readNet, tlsLayout, trafficLightIds, type SumoNet } from "../net/index.js";
import { launchSumo, VAR } from "../traci/index.js";
import { DetectorReader } from "./detector-reader.js";
import { VehicleWatch } from "./vehicle-watch.js";
import { ConflictObserver, sumoStateOf } from "./signal-state.js";
import { readTripSummary, type TripSummary } from "./sumo-results.js";

export const SUMO_CONTROLLERS = ["fixed", "actuated", "hub", "sumo"] as const;
export type SumoControllerKind = (typeof SUMO_CONTROLLERS)[number];

export const SumoRunOptions = z.strictObject({
  net: z.string().min(1),
  routes: z.array(z.string().min(1)).min(1),
  additional: z.array(z.string().min(1)).default([]),
  controller: z.enum(SUMO_CONTROLLERS),
  /** With controller "sumo": run the net's programs under another of SUMO's logics. */
  sumoTlsType: z.enum(SUMO_TLS_TYPES).optional(),
  /**
   * With controller "sumo": the program's own change intervals, or the generated configuration's
   * (each green's yellow and red clearance from the intersections' files, the ones the project's
   * controllers run), so SUMO's logics are judged on the same change intervals.
   */
  sumoClearance: z.enum(SUMO_CLEARANCES).default("program"),
  seed: z.number().int().min(0).default(42),
  durationS: z.number().positive().max(7 * 86_400).default(3600),
  /** SUMO's step and the controllers' tick. */
  stepS: z.number().min(0.1).max(1).default(1),
  /** Generated configuration goes here (and is used as it is when already there); a temporary folder when omitted. */
  configDir: z.string().min(1).optional(),
  /** Where a generated configuration's red clearances come from (ignored when `configDir` already holds one). */
  clearance: z.enum(CLEARANCE_SOURCES).default("ite"),
  measuresIntervalMs: z.number().int().min(1000).max(60_000).default(5000),
  policy: z.enum(["webster", "max-pressure"]).optional(),
});
export type SumoRunOptionsInput = z.input<typeof SumoRunOptions>;

export interface SumoRunResult extends TripSummary {
  engine: "sumo";
  scenario: string;
  controller: SumoControllerKind;
  sumoTlsType?: string;
  /** SUMO's own programs run on the generated configuration's change intervals (absent: the program's own). */
  sumoClearance?: "generated";
  seed: number;
  durationS: number;
  stepS: number;
  intersections: number;
  /** Link pairs that cross showing right of way together where the net's own program never does, per step, read from SUMO's own states. */
  conflictViolations: number;
  /** Vehicles the agents counted at their stop-line detectors and published in measures. */
  vehiclesCounted: number;
  /** Hub plans that reached the agents (hub runs). */
  plansReceived: number;
  /** Where the controller and hub configuration used lives (absent for SUMO's own programs). */
  configDir?: string;
  wallS: number;
}

interface Rig {
  config: SumoIntersectionConfig;
  reader: DetectorReader;
  aggregator: MeasuresAggregator;
  core: AgentCore;
  shown: string;
}

/** Scenario name from the net's file name (`grid.net.xml` → grid). */
export function scenarioNameOf(netPath: string): string {
  return basename(netPath).replace(/\.net\.xml(\.gz)?$/, "").replace(/\.xml$/, "");
}

/**
 * One SUMO run with the net's lights driven by the project's own edge controllers (in process,
 * each with its agent core: detectors become calls and measures), by the hub over real MQTT, or
 * by SUMO's own programs. Each step is one TraCI round trip: the lights' new states go with the
 * step command, every detector and light state comes back in its answer. Time is SUMO's.
 */
export interface SumoRunHooks {
  onProgress?: (doneS: number, totalS: number) => void;
  /** Each light's state as SUMO reports it after every step (`tS`: simulated seconds). */
  onSignalState?: (tS: number, tlsId: string, state: string) => void;
}

export async function runSumo(optionsInput: SumoRunOptionsInput, hooks: SumoRunHooks = {}): Promise<SumoRunResult> {
  const o = parseOrThrow(SumoRunOptions, optionsInput, "sumo");
  if (o.sumoTlsType !== undefined && o.controller !== "sumo") throw new Error("--sumo-tls-type applies to --controller sumo only");
  if (o.sumoClearance !== "program" && o.controller !== "sumo") throw new Error("--sumo-clearance applies to --controller sumo only");
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), "traffic-sumo-"));
  let bridge: (HubBridge & { hub: Hub }) | undefined;
  try {
    const netPath = resolve(o.net);
    const net = await readNet(netPath);
    const tlsIds = trafficLightIds(net);
    const observer = new ConflictObserver(new Map(tlsIds.map((id) => [id, tlsLayout(net, id).forbiddenLinkPairs])));
    const additional = o.additional.map((a) => resolve(a));
    let configDir: string | undefined;
    let configs: SumoIntersectionConfig[] = [];
    if (o.controller === "sumo") {
      if (o.sumoClearance === "generated") {
        // The change intervals of the configuration the project's controllers run: its files are the one source.
        configDir = resolve(o.configDir ?? join(workDir, "config"));
        const loaded = await generatedConfigs(net, configDir, o.clearance);
        const programs = loaded.intersections.map((x) => {
          const layout = tlsLayout(net, x.tlsId);
          return withChangeIntervals(layout, changeIntervalsOf(x, layout), o.stepS);
        });
        const path = join(workDir, `tls-${o.sumoTlsType ?? "own"}-generated.add.xml`);
        await writeFile(path, tlsProgramsAdditional(programs, o.sumoTlsType, "-generated-clearance"));
        additional.push(path);
      } else if (o.sumoTlsType !== undefined) {
        const path = join(workDir, `tls-${o.sumoTlsType}.add.xml`);
        await writeFile(path, tlsProgramsAdditional(tlsIds.map((id) => programOf(net, id)), o.sumoTlsType));
        additional.push(path);
      }
    } else {
      configDir = resolve(o.configDir ?? join(workDir, "config"));
      const loaded = await generatedConfigs(net, configDir, o.clearance);
      configs = loaded.intersections;
      const path = join(workDir, "detectors.add.xml");
      await writeFile(path, detectorsAdditional(configs));
      additional.push(path);
      if (o.controller === "hub") {
        const passwords = devicePasswordsOf(loaded.hub, configs);
        const hubConfig = o.policy ? { ...loaded.hub, intersections: loaded.hub.intersections.map((x) => ({ ...x, timing: { ...x.timing, policy: o.policy } })) } : loaded.hub;
        // The simulation drives the hub's clock: device ts are checked against it, plans stamped by it.
        const clock = new SimulatedClock(SIM_EPOCH_MS);
        const hub = await Hub.start(hubConfig, { logger: pino({ level: "silent" }), now: clock.now });
        bridge = await bridgeToHub(hub, passwords, { ownsHub: true, clock });
      }
    }

    const tripinfo = join(workDir, "tripinfo.xml");
    const statistics = join(workDir, "statistics.xml");
    const sumo = await launchSumo([
      "-n", netPath,
      "-r", o.routes.map((r) => resolve(r)).join(","),
      ...(additional.length > 0 ? ["-a", additional.join(",")] : []),
      "--begin", "0",
      "--end", String(o.durationS),
      "--step-length", String(o.stepS),
      "--seed", String(o.seed),
      "--no-step-log", "true",
      "--no-warnings", "true",
      "--tripinfo-output", tripinfo,
      "--tripinfo-output.write-unfinished", "true",
      "--statistic-output", statistics,
    ]);
    let stepsRun = 0;
    let vehiclesCounted = 0;
    let plansReceived = 0;
    try {
      const client = sumo.client;
      for (const id of tlsIds) await client.subscribe("trafficLight", id, [VAR.tlRedYellowGreenState]);
      const rigs: Rig[] = [];
      let simNowMs = SIM_EPOCH_MS;
      // Vehicles on the lane-area detectors are read one by one only where a controller runs free
      // and extends greens from them (`areaDetectors`): a coordinated light does not use them.
      const watch = new VehicleWatch();
      for (const config of configs) {
        // The project's fixed and actuated control run the local plan in that mode; the hub's
        // agents fall back to it as the configuration says.
        const localMode = o.controller === "fixed" || o.controller === "actuated" ? o.controller : config.controller.fallback.mode;
        const controllerConfig = { ...config.controller, fallback: { ...config.controller.fallback, mode: localMode } };
        const runsFree = controllerConfig.fallback.mode === "actuated" || (o.controller === "hub" && controllerConfig.planOperation === "actuated");
        const laneSpeeds = new Map<string, number>();
        if (runsFree && controllerConfig.phases.some((p) => p.areaDetectors.length > 0)) {
          for (const d of config.detectors) if (d.kind === "queue") laneSpeeds.set(d.lane, Number(await client.get("lane", VAR.maxSpeed, d.lane)));
        }
        const reader = new DetectorReader(config, SIM_EPOCH_MS, laneSpeeds.size > 0 ? { watch, laneSpeedMps: (lane) => laneSpeeds.get(lane) ?? 13.89 } : undefined);
        for (const s of reader.subscriptions()) await client.subscribe(s.domain, s.sumoId, s.variables);
        const approachIds = [...new Set(config.detectors.map((d) => d.approachId))];
        const aggregator = new MeasuresAggregator(approachIds, SIM_EPOCH_MS);
        const controller = new ControllerCore(controllerConfig, SIM_EPOCH_MS);
        let core: AgentCore | undefined;
        const remote = bridge
          ? await bridge.publisherFor(config.intersectionId, {
              plan: (plan) => {
                plansReceived++;
                core?.plan(plan, simNowMs);
              },
              command: (command) => core?.command(command, simNowMs),
            }, controller.config)
          : undefined;
        const publisher: AgentPublisher = {
          publishMeasures: (m) => {
            for (const a of m.approaches) vehiclesCounted += a.count;
            return remote?.publishMeasures(m);
          },
          publishSignal: (s) => remote?.publishSignal(s),
          publishEvents: (e) => remote?.publishEvents(e),
        };
        core = new AgentCore({
          intersectionId: config.intersectionId,
          controller,
          flushMeasures: (nowMs) => aggregator.flush(nowMs),
          modelId: "sumo-detectors",
          measuresIntervalMs: o.measuresIntervalMs,
          publisher,
          zoneIds: reader.loopIds,
          startMs: SIM_EPOCH_MS,
        });
        const shown = sumoStateOf(config, controller.state().groups);
        client.queueRedYellowGreenState(config.tlsId, shown);
        rigs.push({ config, reader, aggregator, core, shown });
      }

      const steps = Math.round(o.durationS / o.stepS);
      const stepMs = o.stepS * 1000;
      const progressEvery = Math.max(1, Math.round(60 / o.stepS));
      for (let i = 1; i <= steps; i++) {
        const results = await client.step();
        stepsRun = i;
        simNowMs = SIM_EPOCH_MS + Math.round(i * stepMs);
        bridge?.advance(simNowMs);
        for (const id of tlsIds) {
          const state = results.of("trafficLight", id)?.get(VAR.tlRedYellowGreenState);
          if (typeof state !== "string") continue;
          observer.observe(id, state);
          hooks.onSignalState?.(i * o.stepS, id, state);
        }
        watch.update(results);
        for (const rig of rigs) {
          const seen = rig.reader.read(results, simNowMs);
          rig.aggregator.recordFrame({ counts: seen.counts, zones: seen.zones });
          rig.core.frame({ tMs: simNowMs, counts: [], zones: [], crossings: [], loopEvents: seen.loopEvents, detections: [], areas: seen.areas });
          rig.core.tick(simNowMs);
          const state = sumoStateOf(rig.config, rig.core.controller.state().groups);
          if (state !== rig.shown) {
            client.queueRedYellowGreenState(rig.config.tlsId, state);
            rig.shown = state;
          }
        }
        await watch.subscribeWanted(client);
        if (bridge) await bridge.settle(simNowMs);
        if (hooks.onProgress && i % progressEvery === 0) hooks.onProgress(i * o.stepS, o.durationS);
      }
    } finally {
      await sumo.close();
    }
    const summary = await readTripSummary(tripinfo, statistics);
    return {
      engine: "sumo",
      scenario: scenarioNameOf(netPath),
      controller: o.controller,
      ...(o.sumoTlsType ? { sumoTlsType: o.sumoTlsType } : {}),
      ...(o.controller === "sumo" && o.sumoClearance === "generated" ? { sumoClearance: "generated" as const } : {}),
      seed: o.seed,
      durationS: round(stepsRun * o.stepS, 1),
      stepS: o.stepS,
      intersections: tlsIds.length,
      avgDelayS: round(summary.avgDelayS, 2),
      avgWaitingS: round(summary.avgWaitingS, 2),
      stopsPerVehicle: round(summary.stopsPerVehicle, 3),
      throughputVeh: summary.throughputVeh,
      vehiclesEntered: summary.vehiclesEntered,
      vehiclesUnfinished: summary.vehiclesUnfinished,
      teleports: summary.teleports,
      conflictViolations: observer.violations,
      vehiclesCounted,
      plansReceived,
      ...(configDir && o.configDir ? { configDir } : {}),
      wallS: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    await bridge?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The configuration in `configDir`, generated from the net first when the folder has none. */
async function generatedConfigs(net: SumoNet, configDir: string, clearance: ClearanceSource): Promise<LoadedConfigs> {
  if (!(await hasConfigs(configDir))) {
    const generated = configsFromNet(net, () => randomBytes(12).toString("base64url"), { clearance });
    await writeConfigs(configDir, generated.intersections.map((x) => x.config), generated.hub);
  }
  return loadConfigs(configDir);
}

/** The simulated agents log in as `edge-<intersection id>` with the plain password the hub file gives. */
function devicePasswordsOf(hub: HubConfig, intersections: readonly SumoIntersectionConfig[]): Record<string, string> {
  if (hub.broker.type !== "embedded") throw new Error("hub.yaml: a co-simulation runs the hub's embedded broker (broker.type: embedded)");
  const devices = hub.broker.devices;
  return Object.fromEntries(
    intersections.map((x) => {
      const device = devices.find((d) => d.intersectionId === x.intersectionId && d.username === `edge-${x.intersectionId}`);
      if (!device?.password) throw new Error(`hub.yaml: broker.devices needs edge-${x.intersectionId} with a plain password for the simulated agent`);
      return [x.intersectionId, device.password];
    }),
  );
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
