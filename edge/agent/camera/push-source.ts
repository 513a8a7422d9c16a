import type { FrameInput } from "../../inference/index.js";
import type { CameraFrame, CameraHealth, CameraSource } from "./camera-source.js";
import { LatestFrameSlot } from "./latest-frame-slot.js";
import { SourceRuntime, type CameraSourceOptions } from "./source-runtime.js";

/**
 * Frames pushed by code: the simulator's renderer, or a driver with its own callback. Only the
 * newest undelivered frame is kept, so a slow consumer skips frames instead of queueing them.
 */
export class PushSource implements CameraSource {
  private readonly runtime: SourceRuntime;
  private readonly slot = new LatestFrameSlot();

  constructor(options: CameraSourceOptions = {}) {
    this.runtime = new SourceRuntime(options, "push");
  }

  /** Offers a frame captured at `tMs` (default now); it replaces any frame not yet delivered. */
  push(frame: FrameInput, tMs: number = this.runtime.clock.now()): void {
    if (this.runtime.closed) return;
    this.slot.put({ frame, tMs });
    this.runtime.health.succeeded();
  }

  /** Frames pushed and replaced by a newer one before the consumer took them. */
  get framesDropped(): number {
    return this.slot.dropped;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<CameraFrame> {
    const run = this.runtime.start(signal);
    try {
      for (;;) {
        const frame = await this.slot.take(run.signal);
        if (frame === null) return;
        this.runtime.health.delivered(frame.tMs);
        yield frame;
      }
    } finally {
      run.finish();
    }
  }

  health(): CameraHealth {
    return this.runtime.snapshot();
  }

  async close(): Promise<void> {
    this.runtime.close();
  }
}

/** The same thing under the name a callback-style driver looks for. */
export const CallbackSource = PushSource;
export type CallbackSource = PushSource;
