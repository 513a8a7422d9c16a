import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { Id, parseOrThrow, ValidationError } from "../protocol/index.js";
import { BrokerConfig, DeviceAccount, ServiceAccount } from "./broker/index.js";
import { IntersectionTiming } from "./control/index.js";
import { MemoryHistoryOptions, TimeSeriesWriterOptions } from "./tsdb/index.js";

export const ROLES = ["viewer", "operator", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** An API bearer token: give `token` (plain, for development) or `tokenSha256` (hex), not both. */
export const ApiToken = z
  .object({
    name: z.string().min(1).max(100),
    role: Role,
    token: z.string().min(16, "tokens must be at least 16 characters").optional(),
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits").optional(),
  })
  .refine((t) => (t.token === undefined) !== (t.tokenSha256 === undefined), { message: "give exactly one of token or tokenSha256" });
export type ApiToken = z.infer<typeof ApiToken>;

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
    // Hardening (docs/hub.md, "Broker"); the broker's own defaults when left out.
    maxConnections: BrokerConfig.shape.maxConnections.optional(),
    preLoginMaxPacketBytes: BrokerConfig.shape.preLoginMaxPacketBytes.optional(),
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
  /** Timing configuration (`IntersectionTiming` less its id, taken from above); checked whole in `parseHubConfig`. */
  timing: z.record(z.string(), z.unknown()),
});
export type HubIntersection = z.infer<typeof HubIntersection>;

export const HubConfig = z
  .object({
    /** Regions this hub instance serves: "+" for all. Instances split a city by region. */
    regions: z.array(z.union([z.literal("+"), Id])).min(1).default(["+"]),
    broker: HubBroker.default({ type: "embedded", host: "127.0.0.1", port: 1883, websocketPort: null, devices: [], allowAnonymous: false }),
    timeSeries: TimeSeriesWriterOptions.optional(),
    history: MemoryHistoryOptions.optional(),
    api: z
      .object({
        host: z.string().default("127.0.0.1"),
        port: z.number().int().min(0).max(65_535).default(8080),
        tokens: z.array(ApiToken).default([]),
        /** Serve the dashboard's static files from here (the built hub/ui). */
        uiDir: z.string().optional(),
        /** Largest websocket send buffer per client before its updates are held back (bytes). */
        wsMaxBufferedBytes: z.number().int().min(1024).default(1024 * 1024),
        /** Live stream (websocket) clients at most; one more is closed with 1013 "try again later". */
        maxLiveClients: z.number().int().min(1).default(1000),
        /** HTTP connections at most (Node closes the ones beyond). */
        maxConnections: z.number().int().min(1).default(5000),
        /** Time to receive a whole request; a client that trickles one is answered 408 and closed. */
        requestTimeoutMs: z.number().int().min(1000).default(30_000),
        /** An HTTP connection idle this long is closed (not websockets). */
        connectionTimeoutMs: z.number().int().min(1000).default(120_000),
      })
      .prefault({}),
    auditFile: z.string().optional(),
    intersections: z.array(HubIntersection).default([]),
    planning: z
      .object({
        /** `wall`: also refresh plans on a timer (a real city); `measures`: only when measures arrive (simulated time). */
        clock: z.enum(["wall", "measures"]).default("wall"),
        commandAnswerTimeoutMs: z.number().int().min(100).default(15_000),
      })
      .prefault({}),
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

export function parseHubConfig(value: unknown): HubConfig {
  const config = parseOrThrow(HubConfig, value, "hub");
  // Each intersection's timing is validated as a whole, with the id it belongs to.
  config.intersections.forEach((x, i) => {
    const result = IntersectionTiming.safeParse({ ...x.timing, intersectionId: x.intersectionId });
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new ValidationError(`hub.intersections[${i}].timing${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}: ${issue.message}`);
    }
  });
  return config;
}

export function timingOf(x: HubIntersection): IntersectionTiming {
  return IntersectionTiming.parse({ ...x.timing, intersectionId: x.intersectionId });
}

/** Load a hub configuration file (YAML or JSON); relative file paths resolve against its folder. */
export async function loadHubConfig(path: string): Promise<HubConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ValidationError(`${path}: no such hub configuration file`);
  }
  let value: unknown;
  try {
    value = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ValidationError(`${path}: not valid ${/\.json$/i.test(path) ? "JSON" : "YAML"}: ${(err as Error).message.split("\n")[0]}`);
  }
  const config = parseHubConfig(value);
  const base = dirname(resolve(path));
  if (config.api.uiDir) config.api.uiDir = resolve(base, config.api.uiDir);
  if (config.auditFile) config.auditFile = resolve(base, config.auditFile);
  return config;
}
