import { z } from "zod";
import { Id, MAX_PAYLOAD_BYTES, parseOrThrow } from "../../protocol/index.js";
import { PASSWORD_HASH_PATTERN } from "./password.js";

const Port = z.number().int().min(0).max(65_535);
const Username = z.string().min(1).max(100);
const PasswordHash = z.string().regex(PASSWORD_HASH_PATTERN, 'expected "scrypt$<saltB64>$<hashB64>" (make one with hashPassword)');

/** A secret given either as a scrypt hash (production) or in plain text (development only). */
const Secret = {
  passwordHash: PasswordHash.optional(),
  password: z.string().min(1).max(1000).optional(),
};

function exactlyOneSecret(account: { passwordHash?: string; password?: string }): boolean {
  return (account.passwordHash === undefined) !== (account.password === undefined);
}
const ONE_SECRET = { message: "give exactly one of passwordHash or password" };

/**
 * One edge device: it may speak only for its own intersection in its own region. It logs in with
 * its password, or with a client certificate whose subject CN is its username (mutual TLS); one
 * with no password logs in only with a certificate.
 */
export const DeviceAccount = z
  .object({ username: Username, ...Secret, intersectionId: Id, region: Id })
  .refine((a) => a.passwordHash === undefined || a.password === undefined, { message: "give at most one of passwordHash or password" });
export type DeviceAccount = z.infer<typeof DeviceAccount>;

/** The hub's own service account: may publish and subscribe anything under `traffic/v1/`. */
export const ServiceAccount = z.object({ username: Username, ...Secret }).refine(exactlyOneSecret, ONE_SECRET);
export type ServiceAccount = z.infer<typeof ServiceAccount>;

/** PEM text (the hub reads it from the files its configuration names). */
const Pem = z.string().min(1);

/** TLS for every listener: server certificate and key; with `clientCa`, devices may log in with a client certificate. */
export const BrokerTls = z.object({
  cert: Pem,
  key: Pem,
  /** CA whose client certificates are accepted; the subject CN names the device account. A certificate from any other CA is refused. */
  clientCa: Pem.optional(),
});
export type BrokerTls = z.infer<typeof BrokerTls>;

export const BrokerConfig = z
  .object({
    /** TLS on the TCP and websocket listeners (mqtts://, wss://); null: plain (loopback or trusted networks only). */
    tls: BrokerTls.nullable().default(null),
    host: z.string().min(1).default("127.0.0.1"),
    /** MQTT over TCP; 0 lets the OS pick (the running broker reports the port it got). */
    port: Port.default(1883),
    /** MQTT over websocket for field tools; null turns it off. */
    websocket: z
      .object({ host: z.string().min(1).optional(), port: Port.default(9001) })
      .nullable()
      .default(null),
    devices: z.array(DeviceAccount).default([]),
    hub: ServiceAccount.nullable().default(null),
    /** Development only: clients without credentials get the hub's rights under `traffic/v1/`. */
    allowAnonymous: z.boolean().default(false),
    maxPayloadBytes: z.number().int().min(1).max(256 * 1024 * 1024).default(MAX_PAYLOAD_BYTES),
    /** A subscriber whose socket stays full this long is dropped, so it cannot stall delivery to others. */
    drainTimeoutMs: z.number().int().min(1).default(10_000),
    connectTimeoutMs: z.number().int().min(1).default(10_000),
    /** Connections (TCP and websocket together) beyond this are closed at once and counted. */
    maxConnections: z.number().int().min(1).default(10_000),
    /**
     * Largest MQTT packet before a login is accepted (CONNECT with its will), checked as the bytes
     * arrive: a bigger one closes the connection before it is buffered. After login the limit is
     * `maxPayloadBytes` plus 4 KiB for the topic and headers.
     */
    preLoginMaxPacketBytes: z.number().int().min(64).max(1024 * 1024).default(8 * 1024),
    /**
     * Password checks (a scrypt each, 16 MB, on libuv's thread pool) running at once. Left out:
     * the fewest of the cores, the thread pool (`UV_THREADPOOL_SIZE`, 4) and 4, since more than the
     * cores can run adds memory, not logins per second (docs/hub.md, "Broker").
     */
    maxPasswordChecks: z.number().int().min(1).max(64).optional(),
    /** Failed logins from one address before it waits (doubling from `baseDelayMs`) for its next check. */
    loginBackoff: z
      .object({
        freeFailures: z.number().int().min(0).default(5),
        baseDelayMs: z.number().int().min(1).default(1000),
        maxDelayMs: z.number().int().min(1).default(60_000),
        maxAddresses: z.number().int().min(1).default(10_000),
      })
      .prefault({}),
    /** Messages per device: sustained rate and burst; beyond it a publish is dropped and counted. null: no limit. */
    publishRate: z
      .object({ perSecond: z.number().positive().default(50), burst: z.number().int().min(1).default(2000) })
      .nullable()
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    config.devices.forEach((device, i) => {
      if (device.password === undefined && device.passwordHash === undefined && !config.tls?.clientCa) {
        ctx.addIssue({ code: "custom", path: ["devices", i], message: "give exactly one of passwordHash or password (or tls.clientCa, to log in with a client certificate)" });
      }
    });
    const seen = new Map<string, string>();
    if (config.hub) seen.set(config.hub.username, "hub");
    config.devices.forEach((device, i) => {
      const earlier = seen.get(device.username);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["devices", i, "username"],
          message: `username ${JSON.stringify(device.username)} is already used by ${earlier}`,
        });
      }
      seen.set(device.username, `devices[${i}]`);
    });
  });
export type BrokerConfig = z.infer<typeof BrokerConfig>;
export type BrokerConfigInput = z.input<typeof BrokerConfig>;

/** Validate a broker config; the error names every bad field, e.g. `broker.devices[1].region: ...`. */
export function parseBrokerConfig(input: unknown): BrokerConfig {
  return parseOrThrow(BrokerConfig, input, "broker");
}
