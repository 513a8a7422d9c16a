import { pino, type Logger } from "pino";
import type { CommandAction, PlanBody } from "../protocol/index.js";
import type { RunningBroker } from "./broker/index.js";
import { parseHubConfig, type HubConfig, type HubConfigInput, type HubIntersection } from "./config.js";
import { createIngest, createSeqSource, type Ingest, type IntersectionStore } from "./ingest/index.js";
import { startBrokerLink, type BrokerLink } from "./link/index.js";
import type { Planner } from "./planner/index.js";
import type { Actor } from "./services/actor.js";
import { AuditLog } from "./services/audit-log.js";
import { HubStateStore } from "./state/index.js";
import type { Recorder } from "./tsdb/index.js";
import { Alarms, Cameras, ChangeFeed, Commands, every, Features, Intersections, Planning, Recording, type CameraSource, type ChangeListener, type HubMetrics } from "./features/index.js";

export { CommandRefused, type CameraSource, type ChangeKind, type ChangeListener, type HubMetrics, type PlanRecord } from "./features/index.js";
export type { Actor } from "./services/actor.js";

/** The features a running hub is made of, as the composition root wired them. */
interface HubParts {
  link: BrokerLink;
  ingest: Ingest;
  intersections: Intersections;
  recording: Recording;
  alarms: Alarms;
  planning: Planning;
  commands: Commands;
  cameras: Cameras;
  changes: ChangeFeed;
  audit: AuditLog;
}

/**
 * A running hub: features with a lifetime each (broker link, ingest, recording, alarms, planning,
 * commands, cameras), composed in `Hub.start` and stopped in reverse order. The API (hub/api) is
 * given the services it uses, not this object.
 */
export class Hub {
  readonly broker: RunningBroker | null;
  readonly brokerUrl: string;
  readonly ingest: Ingest;
  readonly store: IntersectionStore;
  readonly intersections: Intersections;
  readonly recording: Recording;
  readonly alarms: Alarms;
  readonly planning: Planning;
  readonly commands: Commands;
  readonly cameras: Cameras;
  readonly changes: ChangeFeed;
  readonly audit: AuditLog;
  /**
   * Settles with the reason if a part the hub cannot run without dies under it (the broker's
   * thread); never otherwise. `/api/health` says `degraded` from then on; `traffic-hub` exits 1.
   */
  readonly failed: Promise<Error>;

  private constructor(
    readonly config: HubConfig,
    readonly log: Logger,
    /** The hub's clock: the wall clock, or the one a simulator drives. Every plan's `ts` and `validUntil` come from it. */
    readonly now: () => number,
    parts: HubParts,
    private readonly features: Features,
  ) {
    this.broker = parts.link.broker;
    this.failed = parts.link.broker?.failed ?? new Promise<Error>(() => undefined);
    this.brokerUrl = parts.link.url;
    this.ingest = parts.ingest;
    this.store = parts.ingest.store;
    this.intersections = parts.intersections;
    this.recording = parts.recording;
    this.alarms = parts.alarms;
    this.planning = parts.planning;
    this.commands = parts.commands;
    this.cameras = parts.cameras;
    this.changes = parts.changes;
    this.audit = parts.audit;
  }

  /** The composition root: each feature in the order a message flows, measure → plan → act; each stops after those that use it. */
  static async start(input: HubConfigInput | HubConfig, options: { logger?: Logger; now?: () => number } = {}): Promise<Hub> {
    const config = parseHubConfig(input);
    const log = options.logger ?? pino({ level: config.log.level });
    const now = options.now ?? Date.now;
    const features = new Features((name, err) => log.error({ err, feature: name }, "feature failed to stop"));
    try {
      // What outlives the process (overrides, alarms, commands, audit), and who did what.
      const state = config.dataDir ? HubStateStore.open(config.dataDir) : null;
      if (state) features.add("state", { stop: () => state.close() });
      const audit = new AuditLog(10_000, config.auditFile, (err) => log.error({ err }, "audit log write failed"), state ? (e) => state.appendAudit(e) : undefined);
      if (state) audit.load(state.recentAudit(10_000));
      const changes = new ChangeFeed(log);

      // Measure: the broker, what it hears, and the record of it.
      const link = features.add("broker link", await startBrokerLink(config, log, now));
      const recording = features.add("recording", new Recording(config, log));
      const alarms = features.add("alarms", new Alarms({ audit, changes, state, now, log }));
      // The approaches an intersection has are those its controller's phases serve (planning knows them once it has published).
      let planner: Planner | undefined;
      const ingest = features.add("ingest", createIngest(ingestConfig(config, link), link.connection, ingestOptions(config, log, now, alarms, (id) => planner?.approaches(id))));
      const intersections = new Intersections(config.intersections, ingest.store);

      // Plan and act: adaptive plans and overrides, operators' commands, cameras.
      const nextSeq = createSeqSource();
      const common = { connection: link.connection, intersections, audit, changes, state, limits: config.limits, nextSeq, now, log };
      // The hub's own settings per intersection; the phases come from each controller (`…/config`).
      const settings = config.intersections.map((x) => ({ intersectionId: x.intersectionId, settings: x.timing }));
      const planning = features.add("planning", new Planning({ ...common, settings, store: ingest.store, recording, alarms, clock: config.planning.clock }));
      planner = planning.planner;
      const commands = features.add("commands", new Commands({ ...common, planning, alarms, answerTimeoutMs: config.planning.commandAnswerTimeoutMs }));
      const cameras = features.add("cameras", new Cameras(changes));

      // Each message: recorded, alarmed, acknowledged, planned, then announced to live views.
      recording.follow(ingest);
      alarms.follow(ingest);
      commands.follow(ingest);
      planning.follow(ingest);
      cameras.follow(ingest);
      followChanges(ingest, changes);
      await ingest.start();
      features.add(
        "housekeeping",
        every(1000, now, (nowMs) => {
          alarms.tick(nowMs, recording.stats());
          commands.tick(nowMs);
          planning.tick(nowMs);
        }),
      );
      if (state) log.info({ alarms: alarms.stats().records, commands: commands.list(undefined, commands.limit).length }, "hub state restored");
      return new Hub(config, log, now, { link, ingest, intersections, recording, alarms, planning, commands, cameras, changes, audit }, features);
    } catch (err) {
      await features.stop();
      throw err;
    }
  }

  /** Stop every feature, newest first: ingest before what it feeds, the broker link after all who publish. */
  stop(): Promise<void> {
    return this.features.stop();
  }

  // The running hub's surface for simulators, benches and tests; the API uses the features directly.

  get recorder(): Recorder {
    return this.recording.recorder;
  }

  get planner(): Planner {
    return this.planning.planner;
  }

  onChange(listener: ChangeListener): () => void {
    return this.changes.onChange(listener);
  }

  intersection(id: string): HubIntersection | undefined {
    return this.intersections.get(id);
  }

  registerCamera(intersectionId: string, source: CameraSource): () => void {
    return this.cameras.register(intersectionId, source);
  }

  plans(intersectionId: string, limit?: number): ReturnType<Planning["plans"]> {
    return this.planning.plans(intersectionId, limit);
  }

  sendCommand(intersectionId: string, action: CommandAction, actor: Actor): ReturnType<Commands["send"]> {
    return this.commands.send(intersectionId, action, actor);
  }

  overridePlan(intersectionId: string, body: PlanBody, actor: Actor): ReturnType<Planning["override"]> {
    return this.planning.override(intersectionId, body, actor);
  }

  releaseOverride(intersectionId: string, actor: Actor): void {
    this.planning.release(intersectionId, actor);
  }

  acknowledgeAlarm(id: string, actor: Actor): ReturnType<Alarms["acknowledge"]> {
    return this.alarms.acknowledge(id, actor);
  }

  metrics(): HubMetrics {
    return {
      ingest: this.ingest.stats(),
      broker: this.broker?.stats() ?? null,
      brokerHeap: this.broker?.heap() ?? null,
      ...this.planning.stats,
      commandsSent: this.commands.sent,
      timeSeries: this.recording.stats(),
      intersectionsConfigured: this.intersections.configuredCount,
      intersectionsKnown: this.store.size,
      alarms: this.alarms.stats(),
    };
  }
}

function ingestConfig(config: HubConfig, link: BrokerLink): Parameters<typeof createIngest>[0] {
  return {
    url: link.url,
    regions: config.regions,
    maxClockSkewS: config.limits.maxClockSkewS,
    maxBacklogS: config.limits.maxBacklogS,
    // With the embedded broker the hub puts its own plans in the store: following them would only decode them again.
    followPlans: link.broker === null,
  };
}

function ingestOptions(
  config: HubConfig,
  log: Logger,
  now: () => number,
  alarms: Alarms,
  approachesOf: (intersectionId: string) => ReadonlySet<string> | undefined,
): Parameters<typeof createIngest>[2] {
  const regionById = new Map(config.intersections.map((x) => [x.intersectionId, x.region]));
  return {
    logger: log.child({ module: "ingest" }),
    now,
    configuredRegion: (id) => regionById.get(id),
    onClockSkew: (id, _region, skewed, message) => alarms.clockSkew(id, skewed, message),
    // Until its controller has published its phases (or if they list none), an intersection is
    // treated as not described (bounded by count instead).
    configuredApproaches: approachesOf,
  };
}

/** Live views hear of each change last, once every feature has updated its state. */
function followChanges(ingest: Ingest, changes: ChangeFeed): void {
  ingest.onMeasures((m) => changes.emit(m.intersectionId, "measures"));
  ingest.onSignal((s) => changes.emit(s.intersectionId, "signal"));
  ingest.onStatus((s) => changes.emit(s.intersectionId, "status"));
  ingest.onEvents((e) => changes.emit(e.intersectionId, "events"));
}
