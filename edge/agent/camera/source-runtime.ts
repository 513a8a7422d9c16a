import { pino, type Logger } from "pino";
import { BackoffOptions, backoffDelayMs } from "../../../common/backoff.js";
import type { CameraHealth } from "./camera-source.js";
import { linkSignals, systemClock, type Clock } from "./clock.js";
import { HealthTracker } from "./health-tracker.js";

/** 500 ms doubling to 30 s, a fifth of each delay jittered, unless the source says otherwise. */
const CAMERA_BACKOFF: BackoffOptions = BackoffOptions.parse({});

/** What every camera source takes besides its config: time, retry pacing and a logger. */
export interface CameraSourceOptions {
  clock?: Clock;
  backoff?: Partial<BackoffOptions>;
  /** 0–1, for the backoff jitter. */
  random?: () => number;
  logger?: Logger;
  /** The size the model works at (the camera configuration's): sources that scale (ffmpeg) scale to it. */
  frameSize?: { width: number; height: number };
  /** The ffmpeg binary for rtsp and v4l2 cameras (default `ffmpeg` on the PATH). */
  ffmpegPath?: string;
}

/** An iteration in progress: its signal fires on the caller's abort, on close(), or when it ends. */
export interface Run {
  signal: AbortSignal;
  finish(): void;
}

/** The plumbing shared by the sources: health, retries with backoff, close, one consumer at a time. */
export class SourceRuntime {
  readonly clock: Clock;
  readonly health: HealthTracker;
  readonly log: Logger;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly closing = new AbortController();
  private consuming = false;

  constructor(options: CameraSourceOptions, name: string) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? pino({ level: "silent" })).child({ camera: name });
    this.health = new HealthTracker(this.clock, this.log);
    this.backoff = { ...CAMERA_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Starts an iteration; a second consumer at the same time is a programming error. */
  start(signal: AbortSignal): Run {
    if (this.consuming) throw new Error("this camera source is already being iterated: one consumer at a time");
    this.consuming = true;
    const own = new AbortController();
    const link = linkSignals(signal, this.closing.signal, own.signal);
    return {
      signal: link.signal,
      finish: () => {
        own.abort();
        link.dispose();
        this.consuming = false;
      },
    };
  }

  /** Records a failure and waits out its backoff (cut short by `signal`). */
  async retryAfter(what: string, signal: AbortSignal): Promise<void> {
    const delayMs = backoffDelayMs(this.health.failuresInARow, this.backoff, this.random);
    this.health.failed(what, delayMs);
    await this.clock.sleep(delayMs, signal);
  }

  snapshot(): CameraHealth {
    return this.health.snapshot();
  }

  close(): void {
    this.closing.abort();
  }
}
