export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first): doubling up to `maxMs`, with
 * "equal jitter" (half fixed, half random) so a room of dashboards does not reconnect in step
 * when the hub comes back.
 */
export function reconnectDelayMs(attempt: number, random: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
