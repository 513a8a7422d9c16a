import type { CameraFrame } from "./camera-source.js";

/**
 * Holds only the newest frame not yet taken. A producer faster than its consumer overwrites the
 * waiting frame instead of queueing it, so the consumer always gets the freshest picture.
 */
export class LatestFrameSlot {
  private frame: CameraFrame | null = null;
  private wake: (() => void) | null = null;
  /** Frames overwritten before anyone took them. */
  dropped = 0;

  put(frame: CameraFrame): void {
    if (this.frame !== null) this.dropped++;
    this.frame = frame;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The newest frame, waiting for one if the slot is empty; null once `signal` aborts. */
  async take(signal: AbortSignal): Promise<CameraFrame | null> {
    while (this.frame === null) {
      if (signal.aborted) return null;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener("abort", done);
          if (this.wake === done) this.wake = null;
          resolve();
        };
        this.wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    if (signal.aborted) return null;
    const frame = this.frame;
    this.frame = null;
    return frame;
  }
}
