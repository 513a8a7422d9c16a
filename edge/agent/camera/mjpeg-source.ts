import { CameraError, describeFailure } from "./camera-error.js";
import type { CameraFrame, CameraHealth, CameraSource } from "./camera-source.js";
import { linkSignals } from "./clock.js";
import { FramePacer } from "./frame-pacer.js";
import { httpTarget, type HttpTarget } from "./http-target.js";
import { isJpeg, previewBytes } from "./image-bytes.js";
import { LatestFrameSlot } from "./latest-frame-slot.js";
import { MjpegParser, parseStreamFraming } from "./mjpeg-parser.js";
import { SourceRuntime, type CameraSourceOptions } from "./source-runtime.js";

export interface MjpegSourceSettings {
  url: string;
  fps: number;
  /** Longest wait for the connection, and for each chunk once streaming. */
  timeoutMs: number;
  username?: string;
  password?: string;
  /** Largest part accepted, and longest run of bytes without a boundary (default 8 MiB). */
  maxPartBytes?: number;
}

/**
 * Reads a `multipart/x-mixed-replace` MJPEG stream. The stream is read as fast as the camera
 * sends, so the socket never backs up and frames do not age; at most `fps` frames a second go
 * to the consumer, always the newest.
 */
export class MjpegSource implements CameraSource {
  private readonly runtime: SourceRuntime;
  private readonly target: HttpTarget;
  private readonly maxPartBytes: number;
  private reader: Promise<void> | null = null;

  constructor(
    private readonly settings: MjpegSourceSettings,
    options: CameraSourceOptions = {},
  ) {
    this.target = httpTarget(settings.url, settings.username, settings.password);
    this.runtime = new SourceRuntime(options, this.target.label);
    this.maxPartBytes = settings.maxPartBytes ?? 8 * 1024 * 1024;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<CameraFrame> {
    const run = this.runtime.start(signal);
    const slot = new LatestFrameSlot();
    const pacer = new FramePacer(this.settings.fps, this.runtime.clock);
    const reader = this.readWithRetries(run.signal, slot);
    this.reader = reader;
    try {
      while (!run.signal.aborted) {
        await pacer.wait(run.signal);
        const frame = await slot.take(run.signal);
        if (frame === null) break;
        pacer.mark();
        this.runtime.health.delivered(frame.tMs);
        yield frame;
      }
    } finally {
      run.finish();
      await reader;
    }
  }

  /** Connects, reads until the stream fails, backs off, and again, until `signal` aborts. Never rejects. */
  private async readWithRetries(signal: AbortSignal, slot: LatestFrameSlot): Promise<void> {
    while (!signal.aborted) {
      const failure = await this.readStream(signal, slot);
      if (signal.aborted) return;
      await this.runtime.retryAfter(`${this.target.label}: ${failure}`, signal);
    }
  }

  /** One connection, read to its end; returns what went wrong (a stream that ends is a failure too). */
  private async readStream(signal: AbortSignal, slot: LatestFrameSlot): Promise<string> {
    const { timeoutMs } = this.settings;
    const connection = new AbortController();
    // One timer, refreshed on every chunk: a stalled camera is cut off after timeoutMs of silence.
    let stalled = false;
    const watchdog = setTimeout(() => {
      stalled = true;
      connection.abort(new CameraError(`no data for ${timeoutMs} ms`));
    }, timeoutMs);
    const link = linkSignals(signal, connection.signal);
    try {
      const response = await this.target.auth.fetch(this.target.url, { signal: link.signal, headers: this.target.headers });
      if (response.status !== 200) {
        throw new CameraError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
      }
      if (response.body === null) throw new CameraError("response has no body");
      const parser = new MjpegParser(parseStreamFraming(response.headers.get("content-type")), { maxPartBytes: this.maxPartBytes });
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return parser.ended ? "stream closed by the camera" : "stream ended";
        watchdog.refresh();
        for (const part of parser.push(value)) {
          if (!isJpeg(part)) throw new CameraError(`part of ${part.length} bytes is not a JPEG (starts ${previewBytes(part)})`);
          this.runtime.health.succeeded();
          slot.put({ frame: part, tMs: this.runtime.clock.now() });
        }
      }
    } catch (err) {
      if (stalled) return `no data within ${timeoutMs} ms`;
      return describeFailure(err);
    } finally {
      clearTimeout(watchdog);
      // Tears down the socket whatever state the body is in, so an abandoned stream stops downloading.
      connection.abort();
      link.dispose();
    }
  }

  health(): CameraHealth {
    return this.runtime.snapshot();
  }

  async close(): Promise<void> {
    this.runtime.close();
    await this.reader;
  }
}
