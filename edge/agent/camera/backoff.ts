/** Exponential backoff between retries of a failing camera. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Share (0–1) of each delay taken off at random, so many edges do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before retry number `attempt` (1 = the first retry after the first failure). */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  // Cap the exponent so factor^exponent cannot overflow to Infinity on a camera dead for days.
  const baseMs = Math.min(options.maxMs, options.initialMs * options.factor ** Math.min(exponent, 64));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(baseMs * (1 - jitter * random()));
}
