import type { Clock } from "./clock.js";

/**
 * Spaces frames at least 1000/fps ms apart. A slow consumer is never made to catch up with a
 * burst: the next frame is due one interval after the last one was marked as sent.
 */
export class FramePacer {
  private readonly intervalMs: number;
  private nextDueMs: number | null = null;

  constructor(fps: number, private readonly clock: Clock) {
    if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
    this.intervalMs = 1000 / fps;
  }

  /** Waits until the next frame is due; returns early (without throwing) when `signal` aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    if (this.nextDueMs === null) return;
    const delayMs = this.nextDueMs - this.clock.now();
    if (delayMs > 0) await this.clock.sleep(delayMs, signal);
  }

  /** A frame went out (or a request went off) now: the next one is due an interval later. */
  mark(): void {
    this.nextDueMs = this.clock.now() + this.intervalMs;
  }

  /** Forget the schedule: after a failure the retry backoff, not the frame rate, sets the pace. */
  reset(): void {
    this.nextDueMs = null;
  }
}
