import type { Logger } from "pino";

/**
 * Warns without letting a flood flood the log: per key (a reject reason, say), the first
 * occurrence, then at most one line per `intervalMs`, saying how many went unlogged in between.
 */
export class ThrottledLog {
  private readonly lastLoggedMs = new Map<string, number>();
  private readonly unlogged = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const nowMs = this.now();
    const last = this.lastLoggedMs.get(key);
    if (last !== undefined && nowMs - last < this.intervalMs) {
      this.unlogged.set(key, (this.unlogged.get(key) ?? 0) + 1);
      return;
    }
    this.lastLoggedMs.set(key, nowMs);
    const unloggedSince = this.unlogged.get(key) ?? 0;
    this.unlogged.set(key, 0);
    this.logger.warn({ ...fields, unloggedSince }, message);
  }
}
