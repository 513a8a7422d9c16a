import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { backoffDelayMs, type BackoffOptions } from "../../common/backoff.js";
import { formatIssues, type Alarm, type Command, type ControlMode, type Plan } from "../../protocol/index.js";
import { readSavedCamera, writeSavedCamera } from "./camera-state-file.js";
import { cameraEditProblems } from "./camera-edit-check.js";
import { CameraConfig, DetectorVehicleCounter, detectorChannelsOf, VirtualLoopVehicleCounter, type FrameReport, type ObjectDetection, type VehicleCounter } from "../inference/index.js";
import { AgentCore, type AgentPublisher } from "./agent-core.js";
import { createCameraSource, systemClock, type CameraFrame, type CameraSource, type Clock } from "./camera/index.js";
import type { AgentConfig } from "./config.js";
import { readControllerState, setAsideControllerState, writeControllerState } from "./controller-state-file.js";
import { ControllerCore, MONITOR_TIMER_TOLERANCE_MS, publishedTimingOf, type ClockReading, type ControllerOptions, type ControllerSignal } from "./controller/index.js";
import { MqttLink, type LinkStats, type StatusFields } from "./link/index.js";
import { geometryOf, snapshotJpeg } from "./snapshot/index.js";
import { LatencyHistogram, renderEdgeMetrics, startMetricsServer, type AgentHealth, type MetricsServer } from "./metrics/index.js";

export interface AgentDeps {
  logger?: Logger;
  /** Wall clock (ms since the epoch): the camera's frame times, every message's `ts`, the controller's cycle grid. */
  now?: () => number;
  /**
   * Monotonic clock (ms) the controller times every interval on, and its conflict monitor's own
   * timer. Default performance.now(), or `now` itself when only `now` is given (a test's time).
   */
  monoNow?: () => number;
  /** Passed to the controller: simulators and tests model failed load switches with it. */
  controllerOptions?: ControllerOptions;
}

/** The protocol caps the status's camera message at 500 characters. */
const MAX_CAMERA_MESSAGE = 500;
const MAX_MODEL_ID = 200;
/** A camera stream that fails restarts after 1 s, doubling to 30 s (one agent: no jitter needed). */
const CAMERA_RETRY: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0 };
const FAIL_SAFE_COMMAND_ID = "agent-start-flash";

/**
 * The field edge agent: the shell of timers, camera, files and MQTT around `AgentCore`.
 *
 *   camera.frames ─► counter.processStream ─► core.frame        (detector calls, events 81/82)
 *   tick timer ─────► core.tick ─► link.publishSignal / publishMeasures / publishEvents
 *   link.onPlan / onCommand ─► core.plan / core.command
 *   status timer ──► link.setStatus (mode, camera health, inference fps, model, last plan)
 *   controller state changes ─► stateDir/controller.json (tmp + rename)
 */
export class Agent {
  private readonly abort = new AbortController();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private cameraLoop: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  private lastPlanApplied: string | null = null;
  private statusMode: ControlMode | undefined;
  private inferenceFps = 0;
  private fpsWindowStartMs: number;
  /** The last frame the counter could not process, cleared by the next good one. */
  private frameError: string | null = null;
  private cameraFailing = false;
  private metricsServer: MetricsServer | null = null;
  private readonly latency = new LatencyHistogram();
  private frameErrors = 0;
  private detections = 0;
  private readonly vehiclesCounted: Record<string, number> = {};
  private readonly queueVeh: Record<string, number> = {};
  private readonly startedMs: number;
  private latestFrame: CameraFrame | null = null;
  private latestDetections: readonly ObjectDetection[] = [];
  private snapshotBusy = false;
  /** A counter for a new camera configuration, waiting for the camera loop to take it up. */
  private nextCounter: VehicleCounter | null = null;
  private currentPass: AbortController | null = null;
  private cameraEdits: Promise<void> = Promise.resolve();

  private constructor(
    readonly config: AgentConfig,
    readonly core: AgentCore,
    readonly camera: CameraSource,
    private counter: VehicleCounter,
    private readonly link: MqttLink,
    private readonly publisher: LinkPublisher,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly reading: () => ClockReading,
  ) {
    this.fpsWindowStartMs = now();
    this.startedMs = now();
    // Every approach from the start, at 0: a scraper sees the series before the first vehicle.
    for (const a of config.camera.config.approaches) {
      this.vehiclesCounted[a.id] = 0;
      this.queueVeh[a.id] = 0;
    }
  }

  /**
   * Start everything and return once the agent is running (the broker may still be out of reach:
   * the link keeps trying and the outbox keeps what is produced meanwhile). Throws when the model
   * cannot be loaded or the state folder cannot be written.
   */
  static async start(configIn: AgentConfig, deps: AgentDeps = {}): Promise<Agent> {
    const log = (deps.logger ?? pino({ level: "silent" })).child({ intersectionId: configIn.intersectionId });
    const config = withSavedCamera(configIn, log);
    const clockNow = deps.now ?? Date.now;
    // Protocol timestamps are whole milliseconds.
    const now = (): number => Math.floor(clockNow());
    const monoNow = deps.monoNow ?? (deps.now === undefined ? () => performance.now() : now);
    const reading = (): ClockReading => ({ monoMs: monoNow(), wallMs: now() });
    const startMs = now();
    const start = { monoMs: monoNow(), wallMs: startMs };
    // The conflict monitor reads the monotonic clock itself, as a cabinet MMU has its own timer.
    const controllerOptions: ControllerOptions = { monitorClock: monoNow, monitorToleranceMs: MONITOR_TIMER_TOLERANCE_MS, ...deps.controllerOptions };
    mkdirSync(config.stateDir, { recursive: true });
    const statePath = join(config.stateDir, "controller.json");
    const { controller, failSafeReason } = openController(config, statePath, start, controllerOptions, log);

    const counter = await createCounter(config, startMs);
    const clock: Clock = { now, sleep: systemClock.sleep };
    const frameSize = { width: config.camera.config.width, height: config.camera.config.height };
    const camera = createCameraSource(config.camera.source, { clock, logger: log.child({ module: "camera" }), frameSize });
    const publisher = new LinkPublisher(log);
    let agentRef: Agent | undefined;
    const core = new AgentCore({
      intersectionId: config.intersectionId,
      controller,
      // Through the agent once it exists: a zone edit swaps the counter (and its model id).
      flushMeasures: (nowMs) => (agentRef?.counter ?? counter).flush(nowMs),
      get modelId() {
        return (agentRef?.counter ?? counter).modelId;
      },
      measuresIntervalMs: config.measuresIntervalMs,
      publisher,
      zoneIds: config.camera.config.approaches.flatMap((a) => a.zones.map((z) => z.id)),
      zoneChannels: detectorChannelsOf(config.camera.config),
      persist: (snapshot) => {
        try {
          writeControllerState(statePath, snapshot);
        } catch (err) {
          log.error({ err, path: statePath }, "could not save the controller state; a restart may lose a latched fault");
        }
      },
      startMs: start,
      clock: reading,
    });

    let link: MqttLink;
    try {
      log.info({ broker: config.broker.url, region: config.region, username: config.broker.username }, "connecting to the broker");
      link = await MqttLink.open(
        { ...config.broker, region: config.region, intersectionId: config.intersectionId, outboxDir: join(config.stateDir, "outbox"), ...(config.version ? { version: config.version } : {}) },
        {
          logger: log,
          now,
          // Given before the first connection, so the retained plan cannot arrive before its handler.
          onPlan: (plan: Plan) => core.plan(plan, reading()),
          onCommand: (command: Command) => {
            log.info({ commandId: command.commandId, action: command.command.action, issuedBy: command.issuedBy }, "operator command");
            // Commands for the agent itself (not the controller) are answered here.
            if (command.command.action === "snapshot") agentRef?.answerSnapshotRequest(command.commandId);
            else if (command.command.action === "set-camera") void agentRef?.applyCamera(command.commandId, command.command.camera);
            else core.command(command, reading());
          },
        },
      );
    } catch (err) {
      await Promise.allSettled([counter.close(), camera.close()]);
      throw err;
    }
    publisher.link = link;
    // The hub plans against the controller's own timing, never a copy of its own (docs/signal-control.md).
    link.setControllerTiming(publishedTimingOf(config.controller));

    const agent = new Agent(config, core, camera, counter, link, publisher, log, now, reading);
    agentRef = agent;
    if (config.metrics !== undefined) {
      try {
        agent.metricsServer = await startMetricsServer(config.metrics.host, config.metrics.port, {
          metrics: () => agent.metricsText(),
          health: () => agent.health(),
        });
        log.info({ url: agent.metricsServer.url }, "serving /metrics and /health");
      } catch (err) {
        await Promise.allSettled([counter.close(), camera.close(), link.close()]);
        throw new Error(`agent.metrics: cannot listen on ${config.metrics.host}:${config.metrics.port} (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    if (failSafeReason !== null) agent.failSafeFlash(failSafeReason, reading());
    agent.run();
    log.info(
      { model: counter.modelId, camera: config.camera.source.type, tickMs: config.tickMs, measuresIntervalMs: config.measuresIntervalMs },
      "agent started",
    );
    return agent;
  }

  get controller(): ControllerCore {
    return this.core.controller;
  }

  linkStats(): LinkStats {
    return this.link.stats();
  }

  /** `http://host:port` of `/metrics` and `/health`, or null when they are off. */
  get metricsUrl(): string | null {
    return this.metricsServer?.url ?? null;
  }

  /** The agent's metrics in Prometheus text. */
  metricsText(): string {
    const camera = this.camera.health();
    const link = this.link.stats();
    return renderEdgeMetrics({
      intersectionId: this.config.intersectionId,
      camera: {
        ok: camera.ok && this.frameError === null,
        framesDelivered: camera.framesDelivered,
        errors: camera.errors,
        decoderErrors: camera.decoderErrors ?? 0,
        framesDropped: camera.framesDropped ?? 0,
        fps: camera.fps,
        lastFrameTs: camera.lastFrameTs,
      },
      framesProcessed: this.core.framesTotal,
      frameErrors: this.frameErrors,
      latency: this.latency.snapshot(),
      detections: this.detections,
      vehiclesCounted: this.vehiclesCounted,
      queueVeh: this.queueVeh,
      outbox: { pending: link.pending, inFlight: link.inFlight, delivered: link.delivered, dropped: link.dropped },
      link: { connected: link.connected, reconnectAttempts: link.reconnectAttempts },
      mode: this.core.controller.state().mode,
      uptimeS: Math.round((this.now() - this.startedMs) / 1000),
    });
  }

  /** What `/health` says: ok while the camera delivers and the hub is reachable; the details either way. */
  health(): AgentHealth {
    const camera = this.camera.health();
    const link = this.link.stats();
    const cameraOk = camera.ok && this.frameError === null;
    return {
      ok: cameraOk && link.connected,
      intersectionId: this.config.intersectionId,
      mode: this.core.controller.state().mode,
      camera: { ok: cameraOk, fps: camera.fps, lastFrameTs: camera.lastFrameTs, ...(cameraOk ? {} : { message: this.frameError ?? camera.message }) },
      link: { connected: link.connected, outboxMessages: link.pending, lastError: link.lastError },
      model: this.counter.modelId,
    };
  }

  /** Stop timers and the camera, close the model, and leave the broker with an offline status. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private run(): void {
    this.updateStatus(this.now());
    this.timers.push(setInterval(() => this.tick(), this.config.tickMs));
    this.timers.push(setInterval(() => this.periodicStatus(), this.config.statusIntervalMs));
    if (this.config.snapshot.intervalMs > 0) {
      this.timers.push(setInterval(() => void this.sendSnapshot("periodic"), this.config.snapshot.intervalMs));
    }
    this.cameraLoop = this.runCamera(this.abort.signal);
  }

  private tick(): void {
    const now = this.reading();
    try {
      const signal = this.core.tick(now);
      if (signal) this.noteSignal(signal, now.wallMs);
    } catch (err) {
      this.log.error({ err }, "controller tick failed");
    }
  }

  private noteSignal(signal: ControllerSignal, nowMs: number): void {
    const planChanged = signal.planId !== null && signal.planId !== this.lastPlanApplied;
    if (planChanged) {
      this.lastPlanApplied = signal.planId;
      this.log.info({ planId: signal.planId, mode: signal.mode }, "plan applied");
    }
    if (signal.mode !== this.statusMode) this.log.info({ from: this.statusMode, to: signal.mode }, "control mode changed");
    // The hub sees a change of mode or plan at once, not at the next status period.
    if (planChanged || signal.mode !== this.statusMode) this.updateStatus(nowMs);
  }

  private periodicStatus(): void {
    const nowMs = this.now();
    const elapsedS = (nowMs - this.fpsWindowStartMs) / 1000;
    if (elapsedS > 0) this.inferenceFps = Math.min(10_000, Math.round((this.core.framesSinceStatus / elapsedS) * 100) / 100);
    this.core.framesSinceStatus = 0;
    this.fpsWindowStartMs = nowMs;
    this.updateStatus(nowMs);
  }

  private updateStatus(nowMs: number): void {
    const mode = this.core.controller.state().mode;
    this.statusMode = mode;
    const health = this.camera.health();
    const ok = health.ok && this.frameError === null;
    const message = this.frameError ?? health.message;
    const fields: StatusFields = {
      mode,
      camera: {
        ok,
        lastFrameTs: health.lastFrameTs,
        fps: Math.min(1000, health.fps),
        ...(health.decoderErrors === undefined ? {} : { decoderErrors: health.decoderErrors }),
        ...(health.framesDropped === undefined ? {} : { framesDropped: health.framesDropped }),
        ...(message === undefined ? {} : { message: message.slice(0, MAX_CAMERA_MESSAGE) }),
      },
      inferenceFps: this.inferenceFps,
      model: this.counter.modelId.slice(0, MAX_MODEL_ID),
      lastPlanApplied: this.lastPlanApplied,
    };
    try {
      this.link.setStatus(fields);
    } catch (err) {
      this.log.error({ err }, "status not published");
    }
    this.alarmOnCameraChange(!ok && (health.consecutiveFailures > 0 || this.frameError !== null), message, nowMs);
  }

  /** The hub hears of a camera failure (and its end) once, as an alarm event, besides the status. */
  private alarmOnCameraChange(failing: boolean, message: string | undefined, nowMs: number): void {
    if (failing === this.cameraFailing) return;
    this.cameraFailing = failing;
    const text = failing ? `camera failing: ${message ?? "no frames"}` : "camera recovered: frames are flowing again";
    const alarm: Alarm = { type: "alarm", ts: nowMs, alarm: "camera", message: text.slice(0, 1000) };
    this.publisher.publishEvents({ ts: nowMs, events: [alarm] });
  }

  /**
   * Frames → model → core, for as long as the agent runs. A camera that fails retries on its own
   * (its health says so); a frame the model cannot read ends the stream, which is restarted after
   * a backoff, so nothing a camera does stops the agent.
   */
  private async runCamera(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      await this.takeNextCounter();
      const pass = new AbortController();
      this.currentPass = pass;
      const onAbort = (): void => pass.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      const frames = this.camera.frames(pass.signal)[Symbol.asyncIterator]();
      // When each frame left the camera: reports come back in frame order, so a FIFO pairs them.
      const takenAt: number[] = [];
      const agent = this;
      const timed = async function* (): AsyncGenerator<CameraFrame> {
        for await (const frame of { [Symbol.asyncIterator]: () => frames }) {
          takenAt.push(performance.now());
          agent.latestFrame = frame;
          yield frame;
        }
      };
      try {
        for await (const report of this.counter.processStream(timed())) {
          const started = takenAt.shift();
          if (started !== undefined) this.latency.observe((performance.now() - started) / 1000);
          this.core.frame(report);
          this.noteReport(report);
          this.frameError = null;
          failures = 0;
        }
        if (this.nextCounter !== null) continue;
        if (!signal.aborted) {
          this.log.info("the camera's frames have ended (a folder that does not loop); the controller keeps running");
          return;
        }
      } catch (err) {
        if (this.nextCounter !== null) continue;
        failures++;
        this.frameErrors++;
        this.frameError = `frame could not be processed: ${err instanceof Error ? err.message : String(err)}`;
        this.log[failures === 1 ? "warn" : "debug"]({ err, failures }, "camera stream failed; restarting it");
      } finally {
        // Ends the source's iteration even when the model's failure left it suspended mid-stream.
        pass.abort();
        signal.removeEventListener("abort", onAbort);
        await frames.return?.();
      }
      await systemClock.sleep(backoffDelayMs(failures - 1, CAMERA_RETRY), signal);
    }
  }

  /** Switches to a counter made for a new camera configuration, closing the old one (no frame is in it now). */
  private async takeNextCounter(): Promise<void> {
    const next = this.nextCounter;
    if (next === null) return;
    this.nextCounter = null;
    const old = this.counter;
    this.counter = next;
    // Hi-res detector events name the new zones by their channels.
    this.core.setZones(next.camera.approaches.flatMap((a) => a.zones.map((z) => z.id)), detectorChannelsOf(next.camera));
    await old.close().catch((err: unknown) => this.log.warn({ err }, "old model did not close cleanly"));
  }

  /**
   * An admin's new camera configuration from the dashboard: checked with the same schema as the
   * YAML (a bad one is rejected with the same message), a counter made for it, swapped in between
   * two frames, and saved to `stateDir/camera.json` so a restart keeps it (counts of the current
   * interval made with the old zones are not reported). Acked accepted, then completed (or
   * rejected, saying why).
   */
  applyCamera(commandId: string, value: unknown): Promise<void> {
    // One edit at a time, in the order they came.
    this.cameraEdits = this.cameraEdits.then(() => this.applyCameraNow(commandId, value));
    return this.cameraEdits;
  }

  private async applyCameraNow(commandId: string, value: unknown): Promise<void> {
    const ack = (result: "accepted" | "completed" | "rejected", reason?: string): void =>
      this.publisher.publishEvents({ ts: this.now(), events: [{ type: "ack", ts: this.now(), commandId, result, ...(reason ? { reason: reason.slice(0, 500) } : {}) }] });
    const parsed = CameraConfig.safeParse(value);
    if (!parsed.success) {
      ack("rejected", formatIssues("camera", parsed.error));
      return;
    }
    // The YAML loader's approach check, and the controller's detector zones kept.
    const mismatches = cameraEditProblems(this.nextCounter?.camera ?? this.counter.camera, parsed.data, this.config.controller);
    if (mismatches.length > 0) {
      ack("rejected", mismatches.join("; "));
      return;
    }
    ack("accepted");
    try {
      const camera = parsed.data;
      const next = await createCounter({ ...this.config, camera: { ...this.config.camera, config: camera } }, this.now());
      writeSavedCamera(join(this.config.stateDir, "camera.json"), camera);
      // An edit not yet taken up by the camera loop is superseded by this one.
      await this.nextCounter?.close().catch(() => undefined);
      this.nextCounter = next;
      this.currentPass?.abort();
      this.log.info({ commandId, approaches: camera.approaches.length, model: next.modelId }, "camera configuration changed from the dashboard");
      ack("completed");
    } catch (err) {
      ack("rejected", `camera configuration not applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Send what the camera sees now: a small JPEG with the latest detections drawn in, the zones and
   * lines, the detections. Resolves false when there is no frame yet, the link is down, or one is
   * already being made (snapshots never queue up behind a slow encoder).
   */
  async sendSnapshot(reason: "periodic" | "requested"): Promise<boolean> {
    const latest = this.latestFrame;
    if (latest === null || this.snapshotBusy) return false;
    this.snapshotBusy = true;
    try {
      const detections = this.latestDetections;
      const image = await snapshotJpeg(latest.frame, this.counter.camera, detections);
      if (image === null) {
        this.log.warn("snapshot too large even at the smallest size; not sent");
        return false;
      }
      return await this.link.publishSnapshot({
        ts: this.now(),
        reason,
        frameTs: latest.tMs,
        jpegBase64: image.jpegBase64,
        geometry: geometryOf(this.counter.camera),
        detections: detections.slice(0, 200).map((d) => ({
          className: (d.vehicleClass ?? d.label ?? String(d.classId)).slice(0, 40),
          score: Math.min(1, Math.max(0, d.score)),
          box: d.box,
        })),
      });
    } catch (err) {
      this.log.warn({ err }, "snapshot not made");
      return false;
    } finally {
      this.snapshotBusy = false;
    }
  }

  /** An operator asked for a snapshot: acked accepted now, completed once it is sent (or rejected, saying why). */
  answerSnapshotRequest(commandId: string): void {
    const ack = (result: "accepted" | "completed" | "rejected", reason?: string): void =>
      this.publisher.publishEvents({ ts: this.now(), events: [{ type: "ack", ts: this.now(), commandId, result, ...(reason ? { reason } : {}) }] });
    ack("accepted");
    void this.sendSnapshot("requested").then((sent) => (sent ? ack("completed") : ack("rejected", this.latestFrame === null ? "no camera frame yet" : "snapshot not sent (link down or one in progress)")));
  }

  private noteReport(report: FrameReport): void {
    this.latestDetections = report.detections;
    this.detections += report.detections.length;
    for (const c of report.counts) this.vehiclesCounted[c.approachId] = (this.vehiclesCounted[c.approachId] ?? 0) + 1;
    const queues: Record<string, number> = {};
    for (const z of report.zones) queues[z.approachId] = (queues[z.approachId] ?? 0) + z.queueVeh;
    Object.assign(this.queueVeh, queues);
  }

  private failSafeFlash(reason: string, now: ClockReading): void {
    this.log.error({ reason }, "controller state unusable: starting in flash until an operator sends resume");
    this.core.command(
      {
        ts: now.wallMs,
        seq: 0,
        intersectionId: this.config.intersectionId,
        commandId: FAIL_SAFE_COMMAND_ID,
        issuedBy: "edge-agent",
        command: { action: "flash" },
      },
      now,
    );
  }

  private async shutDown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.metricsServer?.close();
    this.abort.abort();
    await this.cameraLoop;
    await this.camera.close().catch((err: unknown) => this.log.warn({ err }, "camera did not close cleanly"));
    await this.counter.close().catch((err: unknown) => this.log.warn({ err }, "model did not close cleanly"));
    await this.nextCounter?.close().catch(() => undefined);
    await this.link.close();
    this.log.info("agent stopped");
  }
}

/** Hands the core's messages to the link; a message the link refuses is logged, never thrown into a tick. */
class LinkPublisher implements AgentPublisher {
  link: MqttLink | undefined;

  constructor(private readonly log: Logger) {}

  publishMeasures(measures: Parameters<AgentPublisher["publishMeasures"]>[0]): void {
    this.send("measures", (link) => link.publishMeasures(measures));
  }

  publishSignal(signal: Parameters<AgentPublisher["publishSignal"]>[0]): void {
    this.send("signal", (link) => link.publishSignal(signal));
  }

  publishEvents(events: Parameters<AgentPublisher["publishEvents"]>[0]): void {
    this.send("events", (link) => link.publishEvents(events));
  }

  private send(kind: string, publish: (link: MqttLink) => Promise<number>): void {
    if (this.link === undefined) {
      this.log.error({ kind }, "message produced before the link opened; dropped");
      return;
    }
    publish(this.link).catch((err: unknown) => this.log.warn({ err, kind }, "message not queued"));
  }
}

/**
 * The controller, restored from its saved state when there is one (a latched fault stays latched).
 * A state file that cannot be used is set aside, and the reason returned: the caller flashes.
 */
function openController(
  config: AgentConfig,
  statePath: string,
  now: ClockReading,
  options: ControllerOptions | undefined,
  log: Logger,
): { controller: ControllerCore; failSafeReason: string | null } {
  const stored = readControllerState(statePath);
  if (stored.kind === "absent") return { controller: new ControllerCore(config.controller, now, options), failSafeReason: null };
  let reason: string;
  if (stored.kind === "found") {
    try {
      const controller = ControllerCore.restore(config.controller, stored.snapshot, now, options);
      const saved = controller.snapshot();
      if (saved.fault !== null) log.warn({ fault: saved.fault }, "a latched fault survives the restart: flashing until clear-fault");
      return { controller, failSafeReason: null };
    } catch (err) {
      reason = `${statePath}: ${err instanceof Error ? err.message : String(err)}`;
    }
  } else {
    reason = stored.error;
  }
  const aside = setAsideControllerState(statePath, now.wallMs);
  return { controller: new ControllerCore(config.controller, now, options), failSafeReason: aside === null ? reason : `${reason} (kept as ${aside})` };
}

/** The configuration with the camera an admin saved from the dashboard, when there is a usable one. */
function withSavedCamera(config: AgentConfig, log: Logger): AgentConfig {
  const saved = readSavedCamera(join(config.stateDir, "camera.json"));
  if (saved.kind === "absent") return config;
  if (saved.kind === "unusable") {
    log.error({ error: saved.error }, "saved camera configuration unusable; using the one in the agent's configuration");
    return config;
  }
  log.info("using the camera configuration saved from the dashboard (stateDir/camera.json)");
  return { ...config, camera: { ...config.camera, config: saved.camera } };
}

async function createCounter(config: AgentConfig, startMs: number): Promise<VehicleCounter> {
  const model = config.model;
  if (model.type === "builtin") {
    return VirtualLoopVehicleCounter.create(config.camera.config, startMs, {
      ...(config.camera.background === undefined ? {} : { background: config.camera.background }),
      ...(model.cacheDir === undefined ? {} : { cacheDir: model.cacheDir }),
    });
  }
  const { type: _type, path, ...detectorConfig } = model;
  return DetectorVehicleCounter.create(path, config.camera.config, startMs, detectorConfig);
}
