import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { describeFailure } from "./camera-error.js";
import type { CameraFrame, CameraHealth, CameraSource } from "./camera-source.js";
import { redactCredentials } from "./ffmpeg-args.js";
import { LatestFrameSlot } from "./latest-frame-slot.js";
import { SourceRuntime, type CameraSourceOptions } from "./source-runtime.js";

export interface FfmpegSourceSettings {
  /** Safe to log: no credentials. */
  label: string;
  /** ffmpeg's arguments; its stdout must be raw RGB24 frames of `width`×`height`. */
  args: string[];
  width: number;
  height: number;
  /** Longest wait for the first frame after a start, and between frames once streaming. */
  timeoutMs: number;
  /** The ffmpeg binary (default `ffmpeg` on the PATH). */
  ffmpegPath?: string;
}

/** How long ffmpeg may take to exit after SIGTERM before it is killed. */
const KILL_AFTER_MS = 2000;
/** ffmpeg's error lines kept for the health message. */
const MAX_ERROR_TEXT = 300;

type FfmpegProcess = ChildProcessByStdio<null, Readable, Readable>;

/**
 * A camera that ffmpeg decodes: RTSP/H.264 (or H.265) network cameras and V4L2 (USB) cameras.
 * ffmpeg runs as a child process writing raw RGB frames, already at the agent's rate (its `fps`
 * filter) and size, to a pipe; the newest frame waits in a one-frame slot so a slow model never
 * makes frames age. ffmpeg exiting (camera gone, stream ended, bad credentials) or going silent
 * for `timeoutMs` counts as a failure: health says what ffmpeg said, and it starts again after
 * a backoff. Error lines ffmpeg prints while frames still flow are counted as decoder errors.
 */
export class FfmpegSource implements CameraSource {
  private readonly runtime: SourceRuntime;
  private readonly frameBytes: number;
  private reader: Promise<void> | null = null;
  private slot: LatestFrameSlot | null = null;
  private decoderErrors = 0;
  /** The running ffmpeg's process id (benchmarks read its CPU time), or null between runs. */
  ffmpegPid: number | null = null;
  private droppedBefore = 0;

  constructor(
    private readonly settings: FfmpegSourceSettings,
    options: CameraSourceOptions = {},
  ) {
    this.runtime = new SourceRuntime(options, settings.label);
    this.frameBytes = settings.width * settings.height * 3;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<CameraFrame> {
    const run = this.runtime.start(signal);
    const slot = new LatestFrameSlot();
    this.slot = slot;
    const reader = this.decodeWithRetries(run.signal, slot);
    this.reader = reader;
    try {
      while (!run.signal.aborted) {
        const frame = await slot.take(run.signal);
        if (frame === null) break;
        this.runtime.health.delivered(frame.tMs);
        yield frame;
      }
    } finally {
      run.finish();
      await reader;
      this.droppedBefore += slot.dropped;
      this.slot = null;
    }
  }

  private async decodeWithRetries(signal: AbortSignal, slot: LatestFrameSlot): Promise<void> {
    while (!signal.aborted) {
      const failure = await this.decodeOnce(signal, slot);
      if (signal.aborted) return;
      await this.runtime.retryAfter(`${this.settings.label}: ${failure}`, signal);
    }
  }

  /** One ffmpeg process, run until it exits or is cut off; returns what went wrong. */
  private async decodeOnce(signal: AbortSignal, slot: LatestFrameSlot): Promise<string> {
    const { width, height, timeoutMs } = this.settings;
    let child: FfmpegProcess;
    try {
      child = spawn(this.settings.ffmpegPath ?? "ffmpeg", this.settings.args, { stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      return `ffmpeg could not start: ${describeFailure(err)}`;
    }
    this.ffmpegPid = child.pid ?? null;
    let errorText = "";
    let stalled = false;
    let spawnError: Error | null = null;
    let framesThisRun = 0;
    let frame = Buffer.allocUnsafe(this.frameBytes);
    let filled = 0;

    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), KILL_AFTER_MS).unref();
    };
    const watchdog = setTimeout(() => {
      stalled = true;
      stop();
    }, timeoutMs);
    signal.addEventListener("abort", stop, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      watchdog.refresh();
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(this.frameBytes - filled, chunk.length - offset);
        chunk.copy(frame, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === this.frameBytes) {
          this.runtime.health.succeeded();
          framesThisRun++;
          slot.put({ frame: { data: frame, width, height, channels: 3 }, tMs: this.runtime.clock.now() });
          // The consumer may still hold the frame just handed over: the next one gets its own buffer.
          frame = Buffer.allocUnsafe(this.frameBytes);
          filled = 0;
        }
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      for (const line of text.split("\n")) {
        const clean = redactCredentials(line.trim());
        if (clean === "") continue;
        // While frames flow, an error line is the decoder complaining about a damaged packet.
        if (framesThisRun > 0) this.decoderErrors++;
        errorText = clean.slice(0, MAX_ERROR_TEXT);
      }
    });
    child.on("error", (err) => {
      spawnError = err;
    });

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("close", (code, sig) => resolve({ code, signal: sig }));
    });
    clearTimeout(watchdog);
    signal.removeEventListener("abort", stop);
    this.ffmpegPid = null;

    if (spawnError !== null) {
      const code = (spawnError as NodeJS.ErrnoException).code;
      return code === "ENOENT" ? `ffmpeg not found (${this.settings.ffmpegPath ?? "ffmpeg"}): install it with 'apt-get install ffmpeg'` : `ffmpeg could not start: ${describeFailure(spawnError)}`;
    }
    if (stalled) return framesThisRun === 0 ? `no frame within ${timeoutMs} ms` : `no frame for ${timeoutMs} ms`;
    const said = errorText === "" ? "" : `: ${errorText}`;
    if (exit.code === 0) return `stream ended after ${framesThisRun} frames${said}`;
    return `ffmpeg exited with ${exit.code ?? exit.signal}${said}`;
  }

  health(): CameraHealth {
    return {
      ...this.runtime.snapshot(),
      decoderErrors: this.decoderErrors,
      framesDropped: this.droppedBefore + (this.slot?.dropped ?? 0),
    };
  }

  async close(): Promise<void> {
    this.runtime.close();
    await this.reader;
  }
}
