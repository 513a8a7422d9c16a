import { z } from "zod";

/** How the hub reaches its broker over MQTT (unused in process with the embedded broker). */
export const LinkConfig = z.object({
  /** The broker: the embedded one or an external one (Mosquitto, EMQX…): mqtt://, mqtts://, ws://, wss://. */
  url: z.string().regex(/^(mqtts?|wss?):\/\/[^/]+/, "expected a broker URL such as mqtt://127.0.0.1:1883"),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  /** Default: `hub-ingest-` and a random suffix, so several hub instances never kick each other off. */
  clientId: z.string().min(1).max(64).optional(),
  /** Connection errors: at most one warning per interval. */
  warnIntervalMs: z.number().int().min(0).default(10_000),
  connectTimeoutMs: z.number().int().min(1).default(10_000),
  reconnectPeriodMs: z.number().int().min(1).default(2_000),
  keepaliveS: z.number().int().min(0).max(65_535).default(30),
});
export type LinkConfig = z.infer<typeof LinkConfig>;
