import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { Id, ValidationError } from "../protocol/index.js";
import { formatOf, parseConfig, parseConfigText, readConfigText } from "../common/config-file.js";
import { BrokerConfig, DeviceAccount, ServiceAccount } from "./broker/index.js";
import { HubTiming } from "./control/index.js";
import { AtspmConfig } from "./atspm/index.js";
import { ApiConfig, TlsFiles } from "./api/config.js";
import { Regions } from "./ingest/config.js";
import { MemoryHistoryOptions, TimeSeriesWriterOptions } from "./tsdb/index.js";

export { ROLES, Role } from "./services/actor.js";
export { ApiToken, TlsFiles } from "./api/config.js";

export const HubBroker = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("embedded"),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65_535).default(1883),
    websocketPort: z.number().int().min(0).max(65_535).nullable().default(null),
    devices: z.array(DeviceAccount).default([]),
    /** The hub's own account; generated at start when omitted. */
    hub: ServiceAccount.optional(),
    allowAnonymous: z.boolean().default(false),
    /**
     * Run the broker (sockets, logins, hardening) and the decoding of device messages in a worker
     * thread of its own (docs/hub.md, "The broker's thread"); false runs it on the hub's main thread.
     */
    thread: z.boolean().default(true),
    /**
     * TLS on both listeners (mqtts://, wss://). With `clientCaFile`, devices may log in with a
     * client certificate from that CA (subject CN = device username); any other CA's is refused.
     */
    tls: TlsFiles.extend({ clientCaFile: z.string().min(1).optional() }).optional(),
    // Hardening (docs/hub.md, "Broker"); the broker's own defaults when left out.
    maxConnections: BrokerConfig.shape.maxConnections.optional(),
    preLoginMaxPacketBytes: BrokerConfig.shape.preLoginMaxPacketBytes.optional(),
    maxPasswordChecks: BrokerConfig.shape.maxPasswordChecks,
    loginBackoff: BrokerConfig.shape.loginBackoff.optional(),
    publishRate: BrokerConfig.shape.publishRate.optional(),
  }),
  z.object({
    type: z.literal("external"),
    url: z.string().regex(/^(mqtts?|wss?):\/\/[^/]+/, "expected a broker URL such as mqtt://broker:1883"),
    username: z.string().optional(),
    password: z.string().optional(),
  }),
]);
export type HubBroker = z.infer<typeof HubBroker>;

export const HubIntersection = z.object({
  intersectionId: Id,
  region: Id,
  name: z.string().max(200).optional(),
  /** Where to draw it on the schematic city map (metres east and north of any origin). */
  position: z.object({ xM: z.number(), yM: z.number() }),
  /**
   * What the hub decides for it (policy, cycle bounds, corridor, permissive-left guidelines…). Not
   * its phases: those are its controller's, planned against as the agent publishes them (`…/config`).
   */
  timing: HubTiming.prefault({}),
  /** What each detector channel of its hi-res events is, for the performance measures (ATSPM). */
  atspm: AtspmConfig.optional(),
});
export type HubIntersection = z.infer<typeof HubIntersection>;

export const HubLimits = z.object({
  /** An edge message stamped further ahead of the hub's clock than this is rejected (`clock_skew`), and its device alarmed once. */
  maxClockSkewS: z.number().min(1).max(86_400).default(120),
  /** …or further behind it: longer, since an agent's outbox replays what it kept through an outage. */
  maxBacklogS: z.number().min(1).max(31_536_000).default(86_400),
  /** A `set-plan` command's plan may be valid at most this long (as the edge's own maximum, 15 min by default). */
  maxPlanValidityS: z.number().min(10).max(86_400).default(900),
  /** An operator's override is held (and refreshed) at most this long. */
  maxOverrideS: z.number().min(10).max(604_800).default(86_400),
  /** A `hold` without `durationS` gets this; a longer one is refused. */
  maxHoldS: z.number().min(1).max(86_400).default(900),
});
export type HubLimits = z.infer<typeof HubLimits>;

export const HubConfig = z
  .object({
    /** Regions this hub instance serves: "+" for all. Instances split a city by region. */
    regions: Regions.default(["+"]),
    broker: HubBroker.default({ type: "embedded", host: "127.0.0.1", port: 1883, websocketPort: null, devices: [], allowAnonymous: false, thread: true }),
    timeSeries: TimeSeriesWriterOptions.optional(),
    history: MemoryHistoryOptions.optional(),
    api: ApiConfig.prefault({}),
    auditFile: z.string().optional(),
    /**
     * Where the hub keeps what must survive a restart (SQLite: overrides, unacknowledged alarms,
     * tracked commands, the audit log) and spills time-series lines an outage does not let it
     * deliver. Without it that state lives in memory only.
     */
    dataDir: z.string().min(1).optional(),
    /**
     * Allow listening on a non-loopback address without TLS (the broker or the API). Off by
     * default: device passwords, API tokens, plans and commands would cross the network in clear.
     */
    insecure: z.boolean().default(false),
    intersections: z.array(HubIntersection).default([]),
    planning: z
      .object({
        /** `wall`: also refresh plans on a timer (a real city); `measures`: only when measures arrive (simulated time). */
        clock: z.enum(["wall", "measures"]).default("wall"),
        commandAnswerTimeoutMs: z.number().int().min(100).default(15_000),
      })
      .prefault({}),
    /** What the hub accepts from devices and operators, on its own clock (the wall clock, or a simulator's). */
    limits: HubLimits.prefault({}),
    log: z.object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") }).prefault({}),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.intersections.forEach((x, i) => {
      if (seen.has(x.intersectionId)) ctx.addIssue({ code: "custom", path: ["intersections", i, "intersectionId"], message: `duplicate intersection ${x.intersectionId}` });
      seen.add(x.intersectionId);
    });
  });
export type HubConfig = z.infer<typeof HubConfig>;
export type HubConfigInput = z.input<typeof HubConfig>;

/**
 * Validate a hub configuration: every object strict (an unknown key is named). Each intersection's
 * timing holds the hub's settings only; they are checked against its controller's phases when the
 * controller publishes them (`timingFromController`).
 */
export function parseHubConfig(value: unknown): HubConfig {
  return parseConfig(HubConfig, value, "hub");
}

/** Load a hub configuration file (YAML or JSON); relative file paths resolve against its folder. */
export async function loadHubConfig(path: string): Promise<HubConfig> {
  const value = parseConfigText(await readConfigText(path, "hub configuration"), formatOf(path), path);
  const config = parseHubConfig(value);
  const base = dirname(resolve(path));
  if (config.api.uiDir) config.api.uiDir = resolve(base, config.api.uiDir);
  if (config.auditFile) config.auditFile = resolve(base, config.auditFile);
  if (config.dataDir) config.dataDir = resolve(base, config.dataDir);
  const tlsFiles = [config.api.tls, config.broker.type === "embedded" ? config.broker.tls : undefined];
  for (const tls of tlsFiles) {
    if (!tls) continue;
    tls.certFile = resolve(base, tls.certFile);
    tls.keyFile = resolve(base, tls.keyFile);
    if ("clientCaFile" in tls && typeof tls.clientCaFile === "string") tls.clientCaFile = resolve(base, tls.clientCaFile);
  }
  return config;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Why this configuration must not start (listeners reachable from the network without TLS), or
 * null. `insecure: true` accepts the risk.
 */
export function plaintextListenerProblem(config: HubConfig): string | null {
  if (config.insecure) return null;
  const clear: string[] = [];
  if (config.broker.type === "embedded" && !config.broker.tls) {
    if (!isLoopback(config.broker.host)) clear.push(`the MQTT broker on ${config.broker.host}`);
  }
  if (!config.api.tls && !isLoopback(config.api.host)) clear.push(`the API on ${config.api.host}`);
  if (clear.length === 0) return null;
  return `${clear.join(" and ")} would listen beyond this machine without TLS, sending device passwords, API tokens, plans and commands in clear: configure broker.tls and api.tls, listen on 127.0.0.1, or set insecure: true to accept that`;
}

/** Read a TLS file, with an error that names the configuration field. */
export async function readTlsFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new ValidationError(`${field}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
