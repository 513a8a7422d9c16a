import type { Logger } from "pino";
import type { CameraHealth } from "./camera-source.js";
import type { Clock } from "./clock.js";

const FPS_WINDOW_MS = 2000;

/** Keeps a source's health: what failed, since when, and how the frames flow. */
export class HealthTracker {
  private ok = false;
  private message: string | undefined = "waiting for the first frame";
  private lastFrameTs: number | null = null;
  private framesDelivered = 0;
  private errors = 0;
  private consecutiveFailures = 0;
  private failingSinceMs: number | null = null;
  private fps = 0;
  private fpsWindowStartMs: number | null = null;
  private fpsWindowFrames = 0;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The camera answered with a usable frame: whatever failed before is over. */
  succeeded(): void {
    if (this.consecutiveFailures > 0) {
      this.log.info({ failures: this.consecutiveFailures }, "camera recovered");
    }
    this.ok = true;
    this.message = undefined;
    this.consecutiveFailures = 0;
    this.failingSinceMs = null;
  }

  get failuresInARow(): number {
    return this.consecutiveFailures;
  }

  delivered(tMs: number): void {
    this.framesDelivered++;
    this.lastFrameTs = tMs;
    this.countForFps();
  }

  /** Frames per second over windows of at least FPS_WINDOW_MS, so a reading is never one frame's jitter. */
  private countForFps(): void {
    const nowMs = this.clock.now();
    if (this.fpsWindowStartMs === null) {
      this.fpsWindowStartMs = nowMs;
      this.fpsWindowFrames = 0;
      return;
    }
    this.fpsWindowFrames++;
    const elapsedMs = nowMs - this.fpsWindowStartMs;
    if (elapsedMs >= FPS_WINDOW_MS) {
      this.fps = Math.round((this.fpsWindowFrames * 100_000) / elapsedMs) / 100;
      this.fpsWindowStartMs = nowMs;
      this.fpsWindowFrames = 0;
    }
  }

  /** Records a failure; returns its number in the current run of failures (1 for the first). */
  failed(what: string, retryInMs: number): number {
    const nowMs = this.clock.now();
    this.errors++;
    this.consecutiveFailures++;
    this.failingSinceMs ??= nowMs;
    this.ok = false;
    this.fps = 0;
    this.fpsWindowStartMs = null;
    const attempts = this.consecutiveFailures === 1 ? "1 failure" : `${this.consecutiveFailures} failures in a row`;
    this.message = `${what} (failing since ${new Date(this.failingSinceMs).toISOString()}, ${attempts}; next try in ${formatDelay(retryInMs)})`;
    // The first failure is news; the rest of a run only at debug, so a dead camera does not flood the log.
    const level = this.consecutiveFailures === 1 ? "warn" : "debug";
    this.log[level]({ failure: what, consecutiveFailures: this.consecutiveFailures, retryInMs }, "camera failed");
    return this.consecutiveFailures;
  }

  /** A note that does not change whether the source is ok (e.g. a folder played to its end). */
  note(message: string): void {
    this.message = message;
  }

  snapshot(): CameraHealth {
    const health: CameraHealth = {
      ok: this.ok,
      lastFrameTs: this.lastFrameTs,
      framesDelivered: this.framesDelivered,
      errors: this.errors,
      consecutiveFailures: this.consecutiveFailures,
      fps: this.fps,
    };
    if (this.message !== undefined) health.message = this.message;
    return health;
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
