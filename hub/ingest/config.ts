import { z } from "zod";
import { Id, parseOrThrow } from "../../protocol/index.js";
import { LinkConfig } from "../link/config.js";
import { DEFAULT_SEQ_WINDOW } from "./seq-window.js";
import { DEFAULT_RECENT_EVENTS } from "./intersection-store.js";

/** The regions a hub instance serves: `["+"]` for all (then the only entry). */
export const Regions = z
  .array(z.union([z.literal("+"), Id]))
  .min(1)
  .refine((r) => !r.includes("+") || r.length === 1, { message: '"+" (all regions) must be the only entry' });

/** Ingest's own settings, and the broker connection `startIngest` opens when not given one. */
export const IngestConfig = LinkConfig.extend({
  /** The regions this hub instance serves; `["+"]` for all. */
  regions: Regions.default(["+"]),
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
});
export type IngestConfig = z.infer<typeof IngestConfig>;
export type IngestConfigInput = z.input<typeof IngestConfig>;

export function parseIngestConfig(input: unknown): IngestConfig {
  return parseOrThrow(IngestConfig, input, "ingest");
}
