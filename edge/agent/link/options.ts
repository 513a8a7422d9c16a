import { z } from "zod";
import { Id } from "../../../protocol/index.js";
import { BackoffOptions } from "../../../common/backoff.js";
import { OutboxOptions } from "./outbox.js";

/** The edge agent's MQTT link; defaults live here, so a config file only states what differs. */
export const MqttLinkOptions = z
  .object({
    url: z.string().regex(/^(mqtts?|wss?):\/\/[^/\s]+/, "expected an mqtt://, mqtts://, ws:// or wss:// URL"),
    username: z.string().min(1).max(256).optional(),
    password: z.string().max(1024).optional(),
    /** Defaults to `edge-<intersectionId>`: one stable id per device, so a broker ACL can key on it. */
    clientId: z.string().min(1).max(128).optional(),
    region: Id,
    intersectionId: Id,
    /** Holds the outbox segments, its cursor and the seq high-water mark. */
    outboxDir: z.string().min(1),
    outbox: OutboxOptions.prefault({}),
    backoff: BackoffOptions.prefault({}),
    keepaliveS: z.number().int().min(1).max(3600).default(30),
    /** A connection attempt that gets no CONNACK within this is given up and retried with backoff. */
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** QoS 1 messages sent ahead of their PUBACKs; acks are still taken strictly in order. */
    inflightWindow: z.number().int().min(1).max(1000).default(32),
    /** How long `close()` waits for the broker to take the offline status. */
    closeTimeoutMs: z.number().int().min(0).max(60_000).default(2000),
    /**
     * TLS for mqtts:// and wss:// URLs: `caFile` is the CA that signed the hub broker's certificate
     * (the system's CAs when left out); `certFile` and `keyFile` are this device's client
     * certificate for mutual TLS (its subject CN is the device's username at the broker).
     */
    tls: z
      .object({ caFile: z.string().min(1).optional(), certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional() })
      .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), { message: "give certFile and keyFile together" })
      .optional(),
    /** Software version reported in every status. */
    version: z.string().min(1).max(50).optional(),
  })
  .transform((o) => ({ ...o, clientId: o.clientId ?? `edge-${o.intersectionId}` }));
export type MqttLinkOptions = z.output<typeof MqttLinkOptions>;
export type MqttLinkOptionsInput = z.input<typeof MqttLinkOptions>;
