import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import type { CommandAction, ControllerConfigMessage, Plan, PlanBody, SnapshotGeometry } from "../protocol/index.js";
import { startBroker, type RunningBroker } from "./broker/index.js";
import { parseHubConfig, readTlsFile, type HubConfig, type HubConfigInput, type HubIntersection, type Role } from "./config.js";
import { createSeqSource, IntersectionStore, startIngest, type Ingest } from "./ingest/index.js";
import { Planner, PlanQueue, type PlannedPlan } from "./planner/index.js";
import { AlarmBoard, type AlarmRecord } from "./services/alarm-board.js";
import { AuditLog } from "./services/audit-log.js";
import { CommandTracker, type TrackedCommand } from "./services/command-tracker.js";
import { HubStateStore } from "./state/index.js";
import { createRecorder, hiResBoundsFor, historyBoundsFor, type Recorder } from "./tsdb/index.js";
import type { PlanExplanation } from "./control/index.js";
import type { CameraConfig } from "../edge/inference/index.js";

const PLAN_RECORDS_KEPT = 200;

/** The named fields of `from` that are set. */
function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}
const PLAN_EXPLANATIONS_KEPT = 20;

/** What changed, for live views: coalesce by intersection, then read the state. */
export type ChangeKind = "measures" | "signal" | "status" | "plan" | "events" | "alarm" | "command";
export type ChangeListener = (intersectionId: string | null, kind: ChangeKind) => void;

export interface Actor {
  name: string;
  role: Role;
}

export interface HubMetrics {
  ingest: ReturnType<Ingest["stats"]>;
  broker: ReturnType<RunningBroker["stats"]> | null;
  plansPublished: number;
  planFailures: number;
  commandsSent: number;
  timeSeries: ReturnType<Recorder["stats"]>;
  intersectionsConfigured: number;
  intersectionsKnown: number;
  alarms: ReturnType<AlarmBoard["stats"]>;
}

/** A camera an agent or simulator offers to operators: its zones (to draw) and its latest frame. */
export interface CameraSource {
  /** Zones and lines to draw: a simulator's camera configuration, or the geometry of an agent's snapshot. */
  camera: CameraConfig | SnapshotGeometry;
  /** The newest frame as JPEG, or null when none is available right now. */
  latestJpeg: () => Promise<Buffer | null>;
}

/** An operator command the hub refused to send, with each reason. */
export class CommandRefused extends Error {
  override name = "CommandRefused";
  constructor(
    message: string,
    readonly errors: string[],
  ) {
    super(message);
  }
}

export interface PlanRecord {
  plan: Plan;
  explanation: PlanExplanation | null;
  source: "adaptive" | "override";
}

/**
 * The hub: broker (embedded or external), ingest, adaptive planning, recording, alarms, commands
 * and the audit log. The API (hub/api) is a thin shell over this object.
 */
export class Hub {
  readonly store: IntersectionStore;
  readonly audit: AuditLog;
  readonly alarms: AlarmBoard;
  readonly commands: CommandTracker;
  private readonly listeners = new Set<ChangeListener>();
  private readonly planRecords = new Map<string, PlanRecord[]>();
  private readonly cameras = new Map<string, CameraSource>();
  /** Cameras made from agents' snapshots (as opposed to a simulator's, registered in process). */
  private readonly agentCameras = new WeakSet<CameraSource>();
  private readonly intersections: Map<string, HubIntersection>;
  private readonly nextSeq = createSeqSource();
  private readonly timers: NodeJS.Timeout[] = [];
  private planQueue: PlanQueue | null = null;
  private counters = { plansPublished: 0, planFailures: 0, commandsSent: 0 };
  /** Alarm changes not yet in the state store (null: evicted). */
  private readonly unsavedAlarms = new Map<string, AlarmRecord | null>();

  private constructor(
    readonly config: HubConfig,
    readonly log: Logger,
    readonly broker: RunningBroker | null,
    readonly ingest: Ingest,
    readonly recorder: Recorder,
    readonly planner: Planner,
    readonly brokerUrl: string,
    /** The hub's clock: the wall clock, or the one a simulator drives. Every plan's `ts` and `validUntil` come from it. */
    readonly now: () => number,
    /** Where overrides, alarms, commands and the audit log outlive the process; null without `dataDir`. */
    private readonly state: HubStateStore | null,
  ) {
    this.store = ingest.store;
    const onStoreError = (err: unknown): void => log.error({ err }, "hub state store write failed");
    const persist = <T>(write: (value: T) => void) => (value: T): void => {
      try {
        write(value);
      } catch (err) {
        onStoreError(err);
      }
    };
    this.audit = new AuditLog(10_000, config.auditFile, (err) => log.error({ err }, "audit log write failed"), state ? (e) => state.appendAudit(e) : undefined);
    // Alarm changes are written behind, once a second in one transaction: a device repeating an
    // alarm hundreds of times a second costs one row write, not hundreds.
    this.alarms = new AlarmBoard({
      onChange: (alarm) => {
        if (state) this.unsavedAlarms.set(alarm.id, alarm);
        this.emit(alarm.intersectionId, "alarm");
      },
      onEvict: (alarm) => {
        if (state) this.unsavedAlarms.set(alarm.id, null);
      },
    });
    this.commands = new CommandTracker(5000, config.planning.commandAnswerTimeoutMs, state ? persist((c: TrackedCommand) => state.saveCommand(c)) : undefined);
    this.intersections = new Map(config.intersections.map((x) => [x.intersectionId, x]));
    if (state) this.restoreState(state);
  }

  /** Put back what the last run left: alarms, commands, the audit log's tail, and overrides still valid. */
  private restoreState(state: HubStateStore): void {
    const nowMs = this.now();
    state.trimCommands(this.commands.limit);
    this.alarms.restore(state.alarms());
    this.commands.restore(state.commands());
    this.audit.load(state.recentAudit(10_000));
    let overrides = 0;
    for (const { intersectionId, plan } of state.overrides(nowMs)) {
      // Checked again against the controller's configuration when it arrives.
      if (this.planner.restoreOverride(intersectionId, plan).ok) overrides++;
      else state.deleteOverride(intersectionId);
    }
    this.log.info({ alarms: this.alarms.stats().records, commands: this.commands.list(undefined, this.commands.limit).length, overrides }, "hub state restored");
  }

  static async start(input: HubConfigInput | HubConfig, options: { logger?: Logger; now?: () => number } = {}): Promise<Hub> {
    const config = parseHubConfig(input);
    const log = options.logger ?? pino({ level: config.log.level });
    const now = options.now ?? Date.now;
    let broker: RunningBroker | null = null;
    let url: string;
    let username: string | undefined;
    let password: string | undefined;
    if (config.broker.type === "embedded") {
      // The hub's own account: from config, or a fresh random one nobody else knows.
      const hubAccount = config.broker.hub ?? { username: "hub", password: randomBytes(18).toString("base64url") };
      const tls = config.broker.tls;
      broker = await startBroker(
        {
          ...(tls
            ? {
                tls: {
                  cert: await readTlsFile(tls.certFile, "hub.broker.tls.certFile"),
                  key: await readTlsFile(tls.keyFile, "hub.broker.tls.keyFile"),
                  ...(tls.clientCaFile ? { clientCa: await readTlsFile(tls.clientCaFile, "hub.broker.tls.clientCaFile") } : {}),
                },
              }
            : {}),
          host: config.broker.host,
          port: config.broker.port,
          websocket: config.broker.websocketPort === null ? null : { host: config.broker.host, port: config.broker.websocketPort },
          devices: config.broker.devices,
          hub: hubAccount,
          allowAnonymous: config.broker.allowAnonymous,
          ...pick(config.broker, ["maxConnections", "preLoginMaxPacketBytes", "loginBackoff", "publishRate"]),
        },
        { logger: log.child({ module: "broker" }) },
      );
      url = broker.url;
      username = hubAccount.username;
      password = "password" in hubAccount ? hubAccount.password : undefined;
      if (password === undefined) throw new Error("hub.broker.hub: the hub's own account needs a plain password to log in with");
      log.info({ url: broker.url, ws: broker.wsUrl, devices: config.broker.devices.length }, "embedded MQTT broker listening");
    } else {
      url = config.broker.url;
      username = config.broker.username;
      password = config.broker.password;
      log.info({ url }, "using an external MQTT broker");
    }
    const recorder = createRecorder(
      // Without explicit bounds, memory history is sized to the city, so 5,000 intersections stay in
      // about half a gigabyte however long the hub runs.
      {
        ...(config.timeSeries
          ? // With a data directory, an outage longer than the memory buffer spills to disk instead of dropping.
            { timeSeries: config.dataDir && !config.timeSeries.spillDir ? { ...config.timeSeries, spillDir: join(config.dataDir, "tsdb-spill") } : config.timeSeries }
          : {}),
        history: config.history ?? historyBoundsFor(config.intersections.length),
        hiRes: hiResBoundsFor(config.intersections.length),
      },
      { logger: log.child({ module: "tsdb" }) },
    );
    log.info(recorder.startMessage);
    const regionById = new Map(config.intersections.map((x) => [x.intersectionId, x.region]));
    let ingest: Ingest;
    try {
      ingest = await startIngest(
        {
          url,
          regions: config.regions,
          maxClockSkewS: config.limits.maxClockSkewS,
          maxBacklogS: config.limits.maxBacklogS,
          ...(username ? { username } : {}),
          ...(password ? { password } : {}),
        },
        // With the embedded broker, ingest works in process: no socket, encoding or ack round trip.
        {
          logger: log.child({ module: "ingest" }),
          now,
          configuredRegion: (id) => regionById.get(id),
          // Raised once per device while its clock is implausible, not once per message.
          onClockSkew: (id, _region, skewed, message) => hub?.alarms.set("clock-skew", id, skewed, message, now()),
          // The approaches its controller's phases serve; until it has published them (or if they list
          // none), an intersection is treated as not described (bounded by count instead).
          configuredApproaches: (id) => hub?.planner.approaches(id),
          ...(broker ? { local: broker.local } : {}),
        },
      );
    } catch (err) {
      await broker?.stop();
      await recorder.close();
      throw err;
    }
    let hub: Hub | undefined;
    // Plans wait for each controller's own timing (`…/config`, `onControllerConfig`).
    const planner = new Planner(
      config.intersections.map((x) => ({ intersectionId: x.intersectionId, settings: x.timing })),
      (id, problem) => hub?.planProblem(id, problem),
    );
    let state: HubStateStore | null = null;
    try {
      state = config.dataDir ? HubStateStore.open(config.dataDir) : null;
    } catch (err) {
      await ingest.stop();
      await recorder.close();
      await broker?.stop();
      throw err;
    }
    hub = new Hub(config, log, broker, ingest, recorder, planner, url, now, state);
    hub.wire();
    return hub;
  }

  /** Listen to changes (for the live stream); returns a function that stops listening. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  intersection(id: string): HubIntersection | undefined {
    return this.intersections.get(id);
  }

  configuredIntersections(): HubIntersection[] {
    return [...this.intersections.values()];
  }

  /** Offer an intersection's camera to the API; returns a function that withdraws it. */
  registerCamera(intersectionId: string, source: CameraSource): () => void {
    this.cameras.set(intersectionId, source);
    this.emit(intersectionId, "status");
    return () => {
      if (this.cameras.get(intersectionId) !== source) return;
      this.cameras.delete(intersectionId);
      this.emit(intersectionId, "status");
    };
  }

  camera(intersectionId: string): CameraSource | undefined {
    return this.cameras.get(intersectionId);
  }

  /** Newest first. */
  plans(intersectionId: string, limit = 50): PlanRecord[] {
    return (this.planRecords.get(intersectionId) ?? []).slice(-limit).reverse();
  }

  /**
   * Send an operator command to an intersection's agent; the edge's acks update it. A `set-plan`
   * passes the same check as an override (rules, and a `validUntil` within `limits.maxPlanValidityS`);
   * a `hold` without a duration gets `limits.maxHoldS`, and a longer one is refused. Throws
   * `CommandRefused` (audited) for either.
   */
  async sendCommand(intersectionId: string, requested: CommandAction, actor: Actor): Promise<TrackedCommand> {
    const region = this.regionOf(intersectionId);
    const nowMs = this.now();
    const checked = this.checkCommand(intersectionId, requested, nowMs);
    if (!checked.ok) {
      this.audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: `command.${requested.action}`, intersectionId, details: { ...requested }, result: "refused", reason: checked.errors.join("; ") });
      throw new CommandRefused(`command ${requested.action} refused`, checked.errors);
    }
    const action = checked.action;
    const commandId = `c${nowMs.toString(36)}${randomBytes(3).toString("hex")}`;
    const issuedBy = `${actor.role}:${actor.name}`;
    try {
      await this.ingest.publishCommand(region, { ts: nowMs, seq: this.nextSeq(), intersectionId, commandId, issuedBy, command: action });
    } catch (err) {
      this.audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: `command.${action.action}`, intersectionId, details: { ...action }, result: "failed", reason: (err as Error).message });
      throw err;
    }
    this.counters.commandsSent++;
    const tracked = this.commands.sent({ commandId, intersectionId, action, issuedBy, sentAtMs: nowMs });
    this.audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: `command.${action.action}`, intersectionId, details: { commandId, ...action }, result: "ok" });
    this.emit(intersectionId, "command");
    return tracked;
  }

  /**
   * An operator's plan: checked here first (the same check as `set-plan`), then published and held
   * (refreshed as a heartbeat, each copy valid for the intersection's plan validity at most)
   * until its `validUntil` or until released.
   */
  async overridePlan(intersectionId: string, body: PlanBody, actor: Actor): Promise<{ ok: true; plan: Plan } | { ok: false; errors: string[] }> {
    const nowMs = this.now();
    const checked = this.checkOperatorPlan(intersectionId, body, nowMs, this.config.limits.maxOverrideS);
    const check = checked.ok ? this.planner.override(intersectionId, body) : checked;
    if (!check.ok) {
      this.audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: "plan.override", intersectionId, details: { planId: body.planId }, result: "refused", reason: check.errors.join("; ") });
      return check;
    }
    const plan = await this.publishPlan({ intersectionId, plan: this.planner.overrideCopy(intersectionId, nowMs) ?? body, explanation: null }, "override", nowMs);
    this.state?.saveOverride(intersectionId, body);
    this.audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: "plan.override", intersectionId, details: { planId: body.planId, cycleS: body.cycleS, splitsS: body.splitsS }, result: "ok" });
    return { ok: true, plan };
  }

  releaseOverride(intersectionId: string, actor: Actor): void {
    this.planner.release(intersectionId);
    this.state?.deleteOverride(intersectionId);
    this.audit.append({ ts: this.now(), actor: actor.name, role: actor.role, action: "plan.release", intersectionId, details: {}, result: "ok" });
  }

  acknowledgeAlarm(id: string, actor: Actor): AlarmRecord | undefined {
    const alarm = this.alarms.acknowledge(id, actor.name, this.now());
    if (alarm) this.audit.append({ ts: this.now(), actor: actor.name, role: actor.role, action: "alarm.acknowledge", intersectionId: alarm.intersectionId, details: { alarmId: id, type: alarm.type }, result: "ok" });
    return alarm;
  }

  metrics(): HubMetrics {
    return {
      ingest: this.ingest.stats(),
      broker: this.broker?.stats() ?? null,
      ...this.counters,
      timeSeries: this.recorder.stats(),
      intersectionsConfigured: this.intersections.size,
      intersectionsKnown: this.store.size,
      alarms: this.alarms.stats(),
    };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.planQueue?.stop();
    await this.ingest.stop();
    await this.recorder.close();
    await this.broker?.stop();
    this.saveAlarms();
    this.state?.close();
  }

  private saveAlarms(): void {
    if (!this.state || this.unsavedAlarms.size === 0) return;
    try {
      this.state.writeAlarms(this.unsavedAlarms);
    } catch (err) {
      this.log.error({ err }, "hub state store write failed");
    }
    this.unsavedAlarms.clear();
  }

  /**
   * The one check for an operator's plan, override or `set-plan`: the intersection's rules, and a
   * `validUntil` after the hub's clock and at most `maxValidS` after it.
   */
  private checkOperatorPlan(intersectionId: string, body: PlanBody, nowMs: number, maxValidS: number): { ok: true } | { ok: false; errors: string[] } {
    const errors: string[] = [];
    const validForS = (body.validUntil - nowMs) / 1000;
    if (validForS <= 0) errors.push(`plan.validUntil: ${new Date(body.validUntil).toISOString()} is not after the hub's clock (${new Date(nowMs).toISOString()})`);
    else if (validForS > maxValidS) errors.push(`plan.validUntil: valid for ${validForS.toFixed(0)} s, more than the ${maxValidS} s allowed`);
    const rules = this.planner.has(intersectionId) ? this.planner.check(intersectionId, body) : { ok: false as const, errors: [`intersection ${intersectionId} has no timing configuration at this hub`] };
    if (!rules.ok) errors.push(...rules.errors);
    return errors.length === 0 ? { ok: true } : { ok: false, errors };
  }

  /** A command as it will be sent (a hold gets its bounded duration), or why it is refused. */
  private checkCommand(intersectionId: string, action: CommandAction, nowMs: number): { ok: true; action: CommandAction } | { ok: false; errors: string[] } {
    const { maxHoldS, maxPlanValidityS } = this.config.limits;
    if (action.action === "hold") {
      if (action.durationS === undefined) return { ok: true, action: { ...action, durationS: maxHoldS } };
      if (action.durationS > maxHoldS) return { ok: false, errors: [`durationS: ${action.durationS} s is longer than the ${maxHoldS} s a hold may last`] };
    }
    if (action.action === "set-plan") {
      const check = this.checkOperatorPlan(intersectionId, action.plan, nowMs, maxPlanValidityS);
      if (!check.ok) return check;
    }
    return { ok: true, action };
  }

  private regionOf(intersectionId: string): string {
    const region = this.intersections.get(intersectionId)?.region ?? this.store.get(intersectionId)?.region;
    if (!region) throw new Error(`unknown intersection ${intersectionId}`);
    return region;
  }

  private emit(intersectionId: string | null, kind: ChangeKind): void {
    for (const listener of this.listeners) {
      try {
        listener(intersectionId, kind);
      } catch (err) {
        this.log.warn({ err }, "change listener failed");
      }
    }
  }

  /**
   * A controller published its timing: plan against it from now on. Settings that do not fit it
   * raise `controller-config` (and the intersection gets no plan until one side changes).
   */
  private controllerConfigured(message: ControllerConfigMessage): void {
    const id = message.intersectionId;
    const result = this.planner.setController(id, message.hash, message.controller);
    if (result === undefined) {
      this.log.debug({ intersectionId: id }, "controller configuration of an intersection this hub does not plan");
      return;
    }
    if (!result.changed) return;
    const nowMs = this.now();
    const { state } = result;
    this.log.info({ intersectionId: id, hash: message.hash, state: state.state }, "controller configuration");
    this.alarms.set("controller-config", id, state.state === "misfit", state.state === "misfit" ? state.reason : "", nowMs);
    this.emit(id, "status");
  }

  private planProblem(intersectionId: string, problem: string): void {
    this.counters.planFailures++;
    this.log.error({ intersectionId }, problem);
    this.alarms.occurrence("plan-rejected", intersectionId, `hub: ${problem}`, this.now());
  }

  private async publishPlan(planned: PlannedPlan, source: PlanRecord["source"], nowMs: number): Promise<Plan> {
    const region = this.regionOf(planned.intersectionId);
    const plan: Plan = { ts: nowMs, seq: this.nextSeq(), intersectionId: planned.intersectionId, ...planned.plan };
    await this.ingest.publishPlan(region, plan);
    this.counters.plansPublished++;
    this.recorder.recordPlan(region, plan);
    const records = this.planRecords.get(planned.intersectionId) ?? [];
    records.push({ plan, explanation: planned.explanation, source });
    if (records.length > PLAN_RECORDS_KEPT) records.splice(0, records.length - PLAN_RECORDS_KEPT);
    // Explanations are the bulky part (about 1 KB): keep them for the newest plans only, so 5,000
    // intersections' histories stay in the tens of megabytes. Older plans keep their reason.
    const older = records[records.length - 1 - PLAN_EXPLANATIONS_KEPT];
    if (older) older.explanation = null;
    this.planRecords.set(planned.intersectionId, records);
    this.emit(planned.intersectionId, "plan");
    return plan;
  }

  private publishAll(plans: PlannedPlan[], nowMs: number): void {
    for (const p of plans) {
      const source = this.planner.overrideOf(p.intersectionId) ? "override" : "adaptive";
      this.publishPlan(p, source, nowMs).catch((err: Error) => {
        this.counters.planFailures++;
        this.log.warn({ intersectionId: p.intersectionId, err: err.message }, "plan not published");
      });
    }
  }

  private wire(): void {
    const { ingest, recorder, planner, alarms } = this;
    const planQueue = new PlanQueue(planner, (plans, nowMs) => this.publishAll(plans, nowMs), { now: this.now });
    this.planQueue = planQueue;
    ingest.onMeasures((m, region) => {
      recorder.recordMeasures(region, m);
      planQueue.onMeasures(m);
      this.emit(m.intersectionId, "measures");
    });
    ingest.onSignal((s, region) => {
      recorder.recordSignal(region, s);
      const nowMs = this.now();
      alarms.set("fallback", s.intersectionId, s.mode === "fallback", "running its local fallback plan (no valid hub plan)", nowMs);
      if (s.mode !== "flash") alarms.clear("conflict-flash", s.intersectionId, nowMs);
      this.emit(s.intersectionId, "signal");
    });
    ingest.onStatus((s, region) => {
      recorder.recordStatus(region, s);
      const nowMs = this.now();
      alarms.set("offline", s.intersectionId, !s.online, "agent offline (last will or clean shutdown)", nowMs);
      if (s.online && s.camera) alarms.set("camera", s.intersectionId, !s.camera.ok, `camera: ${s.camera.message ?? "failing"}`, nowMs);
      if (s.lastPlanApplied) {
        const current = this.store.get(s.intersectionId)?.plan;
        if (current) planner.adopt(s.intersectionId, current);
      }
      this.emit(s.intersectionId, "status");
    });
    // A field agent's camera: the latest snapshot is what the intersection view shows.
    // A simulator's camera registered in process is left alone.
    ingest.onSnapshot((snapshot) => {
      const id = snapshot.intersectionId;
      const current = this.cameras.get(id);
      if (current !== undefined && !this.agentCameras.has(current)) return;
      const jpeg = Buffer.from(snapshot.jpegBase64, "base64");
      const source: CameraSource = { camera: snapshot.geometry, latestJpeg: async () => jpeg };
      this.agentCameras.add(source);
      this.cameras.set(id, source);
      this.emit(id, "status");
    });
    ingest.onControllerConfig((message) => this.controllerConfigured(message));
    ingest.onEvents((e, region) => {
      recorder.recordEvents(region, e);
      const nowMs = this.now();
      for (const event of e.events) {
        if (event.type === "ack") {
          if (this.commands.ack(e.intersectionId, event)) this.emit(e.intersectionId, "command");
        } else if (event.type === "alarm") {
          if (event.alarm === "conflict-flash") alarms.raise("conflict-flash", e.intersectionId, event.message, nowMs);
          else if (event.alarm === "fault-cleared") alarms.clear("conflict-flash", e.intersectionId, nowMs);
          else if (event.alarm === "plan-rejected") alarms.occurrence("plan-rejected", e.intersectionId, `edge rejected plan ${event.planId ?? ""}: ${event.message}`, nowMs);
          else if (event.alarm === "camera") alarms.raise("camera", e.intersectionId, event.message, nowMs);
        }
      }
      this.emit(e.intersectionId, "events");
    });
    const housekeeping = setInterval(() => {
      const nowMs = this.now();
      this.saveAlarms();
      for (const c of this.commands.expire(nowMs)) {
        alarms.occurrence("command-unanswered", c.intersectionId, `command ${c.action.action} (${c.commandId}) not acknowledged`, nowMs);
        this.emit(c.intersectionId, "command");
      }
      const ts = this.recorder.stats();
      if (ts) alarms.set("tsdb-unreachable", null, ts.serverReachable === false, `time-series server unreachable: ${ts.lastError ?? "no answer"} (${ts.bufferedLines} lines buffered)`, nowMs);
      if (this.config.planning.clock === "wall") this.planQueue?.heartbeat(nowMs, planner.ids());
    }, 1000);
    housekeeping.unref();
    this.timers.push(housekeeping);
  }
}
