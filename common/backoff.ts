import { z } from "zod";

/**
 * Retry delays: exponential from `initialMs` by `factor`, capped at `maxMs`, with a random share
 * `jitter` (0–1) taken off so many clients (a city's agents after a broker restart, a control
 * room's dashboards after a hub restart) do not retry in lockstep. The one backoff of the project:
 * the edge's broker link and camera sources, the dashboard's live stream and the broker's login
 * penalty all take their delays from here. No Node imports: the dashboard bundles it.
 */
export const BackoffOptions = z
  .object({
    initialMs: z.number().int().min(1).max(600_000).default(500),
    maxMs: z.number().int().min(1).max(3_600_000).default(30_000),
    factor: z.number().min(1).max(10).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .refine((b) => b.maxMs >= b.initialMs, { message: "maxMs must be at least initialMs", path: ["maxMs"] });
export type BackoffOptions = z.infer<typeof BackoffOptions>;

/**
 * Delay before retry number `attempt` (0 for the first retry after a failure). Subtractive jitter
 * keeps every delay within [base·(1 − jitter), base], so `maxMs` is a true ceiling (`jitter: 0.5`
 * is "equal jitter": half fixed, half random).
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  // Capping the exponent keeps the power finite for very long outages.
  const exponent = Math.min(Math.max(0, attempt), 64);
  const baseMs = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(baseMs * (1 - jitter * random()));
}
