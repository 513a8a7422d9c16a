import { z } from "zod";
import { Id, parseOrThrow } from "../../protocol/index.js";
import { DEFAULT_SEQ_WINDOW } from "./seq-window.js";
import { DEFAULT_RECENT_EVENTS } from "./intersection-store.js";

export const IngestConfig = z.object({
  /** The broker: the embedded one or an external one (Mosquitto, EMQX…): mqtt://, mqtts://, ws://, wss://. */
  url: z.string().regex(/^(mqtts?|wss?):\/\/[^/]+/, "expected a broker URL such as mqtt://127.0.0.1:1883"),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  /** Default: `hub-ingest-` and a random suffix, so several hub instances never kick each other off. */
  clientId: z.string().min(1).max(64).optional(),
  /** The regions this hub instance serves; `["+"]` for all. */
  regions: z
    .array(z.union([z.literal("+"), Id]))
    .min(1)
    .default(["+"])
    .refine((r) => !r.includes("+") || r.length === 1, { message: '"+" (all regions) must be the only entry' }),
  /** Also follow retained plans, so a restarted hub knows the plan each intersection runs. */
  followPlans: z.boolean().default(true),
  seqWindow: z.number().int().min(1).max(65_536).default(DEFAULT_SEQ_WINDOW),
  /** An edge message whose `ts` is further ahead of the hub's clock than this is rejected (`clock_skew`). */
  maxClockSkewS: z.number().min(1).max(86_400).default(120),
  /**
   * …or further behind it than this. Longer than the skew: an agent's outbox replays what it kept
   * through an outage with the original `ts`. A last will is exempt (it carries its connect's `ts`).
   */
  maxBacklogS: z.number().min(1).max(31_536_000).default(86_400),
  recentEventsLimit: z.number().int().min(1).max(100_000).default(DEFAULT_RECENT_EVENTS),
  /** Rejects, listener errors and connection errors: at most one warning per kind per interval. */
  warnIntervalMs: z.number().int().min(0).default(10_000),
  connectTimeoutMs: z.number().int().min(1).default(10_000),
  reconnectPeriodMs: z.number().int().min(1).default(2_000),
  keepaliveS: z.number().int().min(0).max(65_535).default(30),
});
export type IngestConfig = z.infer<typeof IngestConfig>;
export type IngestConfigInput = z.input<typeof IngestConfig>;

export function parseIngestConfig(input: unknown): IngestConfig {
  return parseOrThrow(IngestConfig, input, "ingest");
}
