/**
 * Writes the hub's payloads to an InfluxDB-compatible server (InfluxDB 1.8+/2.x/3.x,
 * VictoriaMetrics) through `/api/v2/write`, riding out outages.
 *
 * Why a queue of our own in front of the client's WriteApi: the WriteApi's retry buffer drops a
 * third of its lines at once when it overflows, keeps a timer per failed batch, only counts what
 * reaches its retry buffer, and leaves the caller to guess from `writeFailed` whether lines will be
 * retried or are gone. Here the WriteApi does one thing, send one batch (line protocol, auth, gzip,
 * HTTP errors), and `LineQueue` holds what waits: bounded, oldest dropped first and counted,
 * drained in full batches when the server returns. Ingest calls only append to the queue: they
 * never block and never throw.
 */
import { HttpError, InfluxDB, setLogger, type WriteApi } from "@influxdata/influxdb-client";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { parseOrThrow, type Events, type Measures, type Plan, type Signal, type Status } from "../../protocol/index.js";
import { LineQueue } from "./line-queue.js";
import { LineSpill } from "./line-spill.js";
import { PhaseGreenTracker } from "./phase-greens.js";
import { hiResLines, measuresLines, phaseGreenLines, planLines, signalLines, statusLines, type PointOptions } from "./points.js";

const Ms = z.number().int().positive();

export const TimeSeriesWriterOptions = z
  .object({
    /** Base URL of the server, e.g. `http://127.0.0.1:8428` or `https://influx.example:8086`. */
    url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
    token: z.string().min(1).optional(),
    org: z.string().min(1).default("traffic"),
    bucket: z.string().min(1).default("traffic"),
    /** How long a line may wait for company before it is sent. */
    flushIntervalMs: Ms.max(600_000).default(1000),
    batchSize: Ms.max(100_000).default(5000),
    /** Lines held while the server is away; beyond this the oldest are dropped (about 200 B each). */
    maxBufferLines: Ms.max(10_000_000).default(200_000),
    /** How long a line is kept for retries during an outage before it is dropped. */
    maxRetryTimeMs: Ms.default(3_600_000),
    /** Backoff between failed attempts: doubles from min to max, with jitter. */
    minRetryDelayMs: Ms.default(1000),
    maxRetryDelayMs: Ms.default(30_000),
    requestTimeoutMs: Ms.max(600_000).default(10_000),
    /** How long `close()` keeps trying to deliver what is buffered. */
    closeTimeoutMs: z.number().int().nonnegative().default(5000),
    /**
     * Where lines beyond `maxBufferLines` go instead of being dropped (gzipped segments, delivered
     * oldest first once the server is back, and kept across a restart). Unset: drop the oldest.
     */
    spillDir: z.string().min(1).optional(),
    /** Disk the spill may use; beyond it its oldest segment is dropped (counted). */
    maxSpillBytes: Ms.default(10 * 1024 ** 3),
    /** See `PointOptions.textFields`: turn off for VictoriaMetrics. */
    textFields: z.boolean().default(true),
  })
  .refine((o) => o.minRetryDelayMs <= o.maxRetryDelayMs, {
    message: "maxRetryDelayMs must be at least minRetryDelayMs",
    path: ["maxRetryDelayMs"],
  });
export type TimeSeriesWriterOptions = z.infer<typeof TimeSeriesWriterOptions>;
/** What a caller may pass: every field but `url` has a default. */
export type TimeSeriesWriterInput = z.input<typeof TimeSeriesWriterOptions>;

export interface WriterStats {
  /** Lines waiting for the server (queued, in flight and spilled to disk). */
  bufferedLines: number;
  /** Of those, the ones on disk (or on their way there). */
  spilledLines: number;
  /** Lines lost: dropped for the buffer bound, expired after `maxRetryTimeMs`, or left at close. */
  droppedLines: number;
  /** Lines the server refused as malformed (HTTP 400/413/422): retrying could not help. */
  rejectedLines: number;
  /** Lines the server accepted. */
  writtenLines: number;
  /** Payloads that could not be turned into lines (a bug upstream; logged). */
  invalidPayloads: number;
  /** Write requests that failed, retries included. */
  failedAttempts: number;
  lastError: string | null;
  /** Whether the last request got an HTTP answer; null before the first request. */
  serverReachable: boolean | null;
}

export interface WriterDeps {
  logger?: Logger;
  /** Clock for line ages (ms since epoch). */
  now?: () => number;
}

/** HTTP statuses that mean "these lines are bad": the batch is dropped, not retried. */
const REJECTED_STATUSES = new Set([400, 413, 422]);

export class TimeSeriesWriter {
  readonly options: TimeSeriesWriterOptions;
  private readonly pointOptions: PointOptions;
  private readonly queue: LineQueue;
  private readonly spill: LineSpill | null;
  /** Lines moved between the spill and the queue at a time. */
  private readonly segmentLines: number;
  private readonly greens = new PhaseGreenTracker();
  private readonly writeApi: WriteApi;
  private readonly log: Logger;
  private readonly now: () => number;

  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = 0;
  private sending: Promise<boolean> | undefined;
  private consecutiveFailures = 0;
  private retryAtMs = 0;
  private closed = false;
  private disposed = false;
  private warnedDropping = false;

  private droppedLines = 0;
  private rejectedLines = 0;
  private writtenLines = 0;
  private invalidPayloads = 0;
  private failedAttempts = 0;
  private lastError: string | null = null;
  private serverReachable: boolean | null = null;

  constructor(options: TimeSeriesWriterInput, deps: WriterDeps = {}) {
    this.options = parseOrThrow(TimeSeriesWriterOptions, options, "timeSeries");
    this.log = deps.logger ?? pino({ level: "silent" });
    this.now = deps.now ?? Date.now;
    this.pointOptions = { textFields: this.options.textFields };
    this.queue = new LineQueue(this.options.maxBufferLines);
    this.segmentLines = Math.max(1, Math.min(this.options.batchSize, Math.floor(this.options.maxBufferLines / 2)));
    this.spill = this.options.spillDir
      ? new LineSpill(this.options.spillDir, {
          maxBytes: this.options.maxSpillBytes,
          segmentLines: this.segmentLines,
          onDrop: (lines, error) => {
            this.noteDropped(lines, "spill over maxSpillBytes or unreadable: dropped its oldest segment");
            if (error) this.log.error({ err: error, lines }, "time-series spill segment lost");
          },
        })
      : null;
    if (this.spill && this.spill.lines > 0) {
      this.log.info({ spilledLines: this.spill.lines, dir: this.options.spillDir }, "time-series lines left by the last run: delivering them");
      queueMicrotask(() => this.schedule());
    }
    routeClientLogs(this.log);
    const { url, token, org, bucket, batchSize, requestTimeoutMs } = this.options;
    this.writeApi = new InfluxDB({ url, token, timeout: requestTimeoutMs }).getWriteApi(org, bucket, "ms", {
      // The WriteApi never sends or retries by itself: sendLoop decides when and what.
      batchSize: batchSize + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
    });
  }

  writeMeasures(region: string, measures: Measures): void {
    try {
      this.accept(measuresLines(region, measures));
    } catch (error) {
      this.invalid("measures", measures.intersectionId, error);
    }
  }

  writeSignal(region: string, signal: Signal): void {
    try {
      this.accept(signalLines(region, signal, this.pointOptions));
    } catch (error) {
      this.invalid("signal", signal.intersectionId, error);
    }
  }

  writePlan(region: string, plan: Plan): void {
    try {
      this.accept(planLines(region, plan, this.pointOptions));
    } catch (error) {
      this.invalid("plan", plan.intersectionId, error);
    }
  }

  /** Controller events become one `phase_green` point per served green (the raw hi-res log stays in memory). */
  writeEvents(region: string, events: Events): void {
    try {
      this.accept(phaseGreenLines(region, events.intersectionId, this.greens.take(events.intersectionId, events.events)));
      this.accept(hiResLines(region, events.intersectionId, events.events));
    } catch (error) {
      this.invalid("events", events.intersectionId, error);
    }
  }

  writeStatus(region: string, status: Status): void {
    try {
      this.accept(statusLines(region, status, this.pointOptions));
    } catch (error) {
      this.invalid("status", status.intersectionId, error);
    }
  }

  stats(): WriterStats {
    return {
      bufferedLines: this.queue.size + (this.spill?.lines ?? 0),
      spilledLines: this.spill?.lines ?? 0,
      droppedLines: this.droppedLines,
      rejectedLines: this.rejectedLines,
      writtenLines: this.writtenLines,
      invalidPayloads: this.invalidPayloads,
      failedAttempts: this.failedAttempts,
      lastError: this.lastError,
      serverReachable: this.serverReachable,
    };
  }

  /**
   * Sends everything buffered now, ignoring any backoff. Resolves true when the buffer is empty,
   * false when the server failed; never rejects.
   */
  async flush(): Promise<boolean> {
    if (this.sending) await this.sending;
    if (this.waiting() === 0) return true;
    this.retryAtMs = 0;
    return this.startSending();
  }

  /**
   * Stops accepting lines, tries to deliver the buffer within `timeoutMs`, then drops (and
   * counts) what is left. Resolves with the final stats.
   */
  async close(timeoutMs = this.options.closeTimeoutMs): Promise<WriterStats> {
    if (!this.closed) {
      this.closed = true;
      this.clearTimer();
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([this.flush(), new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timeout);
      this.disposed = true;
      if (this.spill) {
        // Nothing is lost at close: what the server did not take goes to disk for the next run
        // (a batch in flight first comes back or goes through, within requestTimeoutMs).
        if (this.sending) await this.sending;
        this.writeApi.dispose();
        this.spill.add(this.queue.takeAll(), this.now());
        await this.spill.flush();
        return this.stats();
      }
      this.writeApi.dispose();
      const left = this.queue.clear();
      if (left > 0) {
        this.droppedLines += left;
        this.log.warn({ droppedLines: left }, "time-series writer closed with lines the server never took");
      }
    }
    return this.stats();
  }

  private accept(lines: readonly string[]): void {
    if (this.closed) {
      this.droppedLines += lines.length;
      return;
    }
    const nowMs = this.now();
    // Once lines are on disk, newer ones follow them there, so the queue refills in order.
    if (this.spill && (this.spill.lines > 0 || this.queue.size + lines.length > this.queue.capacity)) {
      this.spill.add(lines, nowMs);
      this.schedule();
      return;
    }
    let dropped = 0;
    for (const line of lines) dropped += this.queue.push(line, nowMs);
    if (dropped > 0) this.noteDropped(dropped, "buffer full: dropped the oldest lines");
    this.schedule();
  }

  private invalid(kind: string, intersectionId: string, error: unknown): void {
    this.invalidPayloads++;
    this.log.error({ kind, intersectionId, err: error }, "payload could not be turned into time-series lines");
  }

  private noteDropped(lines: number, why: string): void {
    this.droppedLines += lines;
    // One warning per outage, not one per line: the count is in stats().
    if (!this.warnedDropping) {
      this.warnedDropping = true;
      this.log.warn({ droppedLines: this.droppedLines, maxBufferLines: this.options.maxBufferLines }, `time-series ${why}`);
    }
  }

  /** Arms the timer for the next send: a full batch goes now, a partial one after the flush interval. */
  private schedule(): void {
    if (this.closed || this.sending || this.waiting() === 0) return;
    const nowMs = this.now();
    const wantMs = this.waiting() >= this.options.batchSize ? 0 : this.options.flushIntervalMs;
    const dueMs = Math.max(nowMs + wantMs, this.retryAtMs);
    if (this.timer && this.timerDueMs <= dueMs) return;
    this.clearTimer();
    this.timerDueMs = dueMs;
    this.timer = setTimeout(this.onTimer, dueMs - nowMs);
    // The writer alone must not keep the process alive; close() delivers what is left.
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    void this.startSending();
  };

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startSending(): Promise<boolean> {
    this.sending ??= this.sendLoop().finally(() => {
      this.sending = undefined;
      this.schedule();
    });
    return this.sending;
  }

  /** Lines waiting to be sent: queued in memory and spilled. */
  private waiting(): number {
    return this.queue.queued + (this.spill?.lines ?? 0);
  }

  /** Move spilled lines into the queue while it has room for a segment. */
  private async refill(): Promise<void> {
    const spill = this.spill;
    if (!spill) return;
    while (spill.lines > 0 && this.queue.size + this.segmentLines <= this.queue.capacity && !this.disposed) {
      const batch = await spill.take();
      if (batch === null) return;
      for (const line of batch.lines) this.queue.push(line, batch.atMs);
    }
  }

  /** Sends batches until the queue is empty (true) or an attempt fails (false). */
  private async sendLoop(): Promise<boolean> {
    while (!this.disposed && this.waiting() > 0) {
      await this.refill();
      const expired = this.queue.dropOlderThan(this.now() - this.options.maxRetryTimeMs);
      if (expired > 0) this.noteDropped(expired, `lines older than maxRetryTimeMs (${this.options.maxRetryTimeMs} ms) dropped`);
      if (this.queue.queued === 0) continue; // the spill may hold more
      const batch = this.queue.takeBatch(this.options.batchSize);
      const error = await this.post(batch);
      if (error === undefined) {
        this.queue.settle(true);
        this.delivered(batch.length);
        continue;
      }
      this.failedAttempts++;
      this.lastError = describe(error);
      this.serverReachable = error instanceof HttpError;
      if (error instanceof HttpError && REJECTED_STATUSES.has(error.statusCode)) {
        this.queue.settle(true);
        this.rejectedLines += batch.length;
        this.log.error({ lines: batch.length, error: this.lastError }, "time-series server refused a batch as malformed; dropped it");
        continue;
      }
      const dropped = this.queue.settle(false);
      if (this.disposed) {
        // close() gave up while this batch was in flight: what came back is lost (close spills it when it can).
        this.droppedLines += dropped;
        if (!this.spill) this.droppedLines += this.queue.clear();
        return false;
      }
      if (dropped > 0) this.noteDropped(dropped, "buffer full: dropped the oldest lines");
      this.backOff(error);
      return false;
    }
    return this.waiting() === 0;
  }

  private async post(lines: string[]): Promise<unknown> {
    try {
      this.writeApi.writeRecords(lines);
      await this.writeApi.flush();
      return undefined;
    } catch (error) {
      return error ?? new Error("write failed");
    }
  }

  private delivered(lines: number): void {
    this.writtenLines += lines;
    this.serverReachable = true;
    if (this.consecutiveFailures > 0) {
      this.log.info({ failedAttempts: this.consecutiveFailures, bufferedLines: this.queue.size }, "time-series server reachable again: delivering the buffer");
    }
    this.consecutiveFailures = 0;
    this.retryAtMs = 0;
    this.warnedDropping = false;
  }

  private backOff(error: unknown): void {
    this.consecutiveFailures++;
    const { minRetryDelayMs, maxRetryDelayMs } = this.options;
    const ceilingMs = Math.min(maxRetryDelayMs, minRetryDelayMs * 2 ** Math.min(this.consecutiveFailures - 1, 30));
    // Half fixed, half random, so many hubs do not retry in step after a shared outage.
    let delayMs = ceilingMs / 2 + Math.random() * (ceilingMs / 2);
    if (error instanceof HttpError && error.retryAfter() > 0) delayMs = Math.min(maxRetryDelayMs, Math.max(delayMs, error.retryAfter() * 1000));
    this.retryAtMs = this.now() + delayMs;
    if (this.consecutiveFailures === 1) {
      this.log.warn({ error: this.lastError, bufferedLines: this.queue.size }, "time-series write failed: buffering and retrying with backoff");
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof HttpError) return `HTTP ${error.statusCode}: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * The client logs every failed request to the console by default. Its logger is process-wide, so
 * the latest writer's logger gets those lines, at debug: this module logs outages itself.
 */
function routeClientLogs(log: Logger): void {
  setLogger({
    error: (message: string, err?: unknown) => log.debug({ err }, `influxdb-client: ${message}`),
    warn: (message: string, err?: unknown) => log.debug({ err }, `influxdb-client: ${message}`),
  });
}
