import { CameraError, describeFailure } from "./camera-error.js";
import type { CameraFrame, CameraHealth, CameraSource } from "./camera-source.js";
import { linkSignals } from "./clock.js";
import { FramePacer } from "./frame-pacer.js";
import { httpTarget, readBodyCapped, type HttpTarget } from "./http-target.js";
import { isJpeg, previewBytes } from "./image-bytes.js";
import { SourceRuntime, type CameraSourceOptions } from "./source-runtime.js";

export interface HttpSnapshotSourceSettings {
  url: string;
  fps: number;
  timeoutMs: number;
  username?: string;
  password?: string;
  /** Largest snapshot accepted (default 8 MiB). */
  maxImageBytes?: number;
}

/** Polls a camera's still-image URL (`/snapshot.jpg`) at `fps`. */
export class HttpSnapshotSource implements CameraSource {
  private readonly runtime: SourceRuntime;
  private readonly target: HttpTarget;
  private readonly maxImageBytes: number;

  constructor(
    private readonly settings: HttpSnapshotSourceSettings,
    options: CameraSourceOptions = {},
  ) {
    this.target = httpTarget(settings.url, settings.username, settings.password);
    this.runtime = new SourceRuntime(options, this.target.label);
    this.maxImageBytes = settings.maxImageBytes ?? 8 * 1024 * 1024;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<CameraFrame> {
    const run = this.runtime.start(signal);
    const pacer = new FramePacer(this.settings.fps, this.runtime.clock);
    try {
      while (!run.signal.aborted) {
        await pacer.wait(run.signal);
        if (run.signal.aborted) break;
        pacer.mark();
        const frame = await this.snapshot(run.signal);
        if (frame === null) {
          pacer.reset();
          continue;
        }
        this.runtime.health.delivered(frame.tMs);
        yield frame;
      }
    } finally {
      run.finish();
    }
  }

  /** One snapshot, or null after a failure has been recorded and its backoff waited out. */
  private async snapshot(signal: AbortSignal): Promise<CameraFrame | null> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const link = linkSignals(signal, timeout);
    try {
      const response = await this.target.auth.fetch(this.target.url, { signal: link.signal, headers: this.target.headers });
      const tMs = this.runtime.clock.now();
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => {});
        throw new CameraError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
      }
      const bytes = await readBodyCapped(response, this.maxImageBytes);
      checkIsImage(response.headers.get("content-type"), bytes);
      this.runtime.health.succeeded();
      return { frame: bytes, tMs };
    } catch (err) {
      if (signal.aborted) return null;
      const what = timeout.aborted
        ? `no answer from ${this.target.label} within ${this.settings.timeoutMs} ms`
        : `${this.target.label}: ${describeFailure(err)}`;
      await this.runtime.retryAfter(what, signal);
      return null;
    } finally {
      link.dispose();
    }
  }

  health(): CameraHealth {
    return this.runtime.snapshot();
  }

  async close(): Promise<void> {
    this.runtime.close();
  }
}

/** A snapshot must be an image: an image/* content type, or JPEG bytes whatever the header says. */
function checkIsImage(contentType: string | null, bytes: Uint8Array): void {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (bytes.length === 0) throw new CameraError(`empty response (content-type ${type || "none"})`);
  const jpeg = isJpeg(bytes);
  if (jpeg) return;
  if (type === "image/jpeg" || type === "image/jpg") {
    throw new CameraError(`content-type ${type} but the body is not a JPEG (starts ${previewBytes(bytes)})`);
  }
  if (!type.startsWith("image/")) {
    throw new CameraError(`not an image: content-type ${type || "none"}, starts ${previewBytes(bytes)}`);
  }
}
