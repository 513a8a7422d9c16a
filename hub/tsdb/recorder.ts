/**
 * The hub's one entry point for recording: every payload goes to the in-memory recent history,
 * and to the time-series server when one is configured.
 */
import type { Logger } from "pino";
import { z } from "zod";
import { parseOrThrow, type Events, type Measures, type Plan, type Signal, type Status } from "../../protocol/index.js";
import { HiResHistory, HiResHistoryOptions } from "./hires-history.js";
import { MemoryHistory, MemoryHistoryOptions } from "./memory-history.js";
import { TimeSeriesWriter, TimeSeriesWriterOptions, type WriterStats } from "./writer.js";

export const NO_SERVER_MESSAGE = "no time-series server configured: keeping recent history in memory only";

export const RecorderConfig = z.object({
  /** Absent: no long-term storage, recent history in memory only. */
  timeSeries: TimeSeriesWriterOptions.optional(),
  history: MemoryHistoryOptions.prefault({}),
  /** The hi-res events kept for the performance measures (ATSPM). */
  hiRes: HiResHistoryOptions.prefault({}),
});
export type RecorderConfig = z.infer<typeof RecorderConfig>;
export type RecorderConfigInput = z.input<typeof RecorderConfig>;

export class Recorder {
  constructor(
    readonly history: MemoryHistory,
    /** Null when no time-series server is configured. */
    readonly writer: TimeSeriesWriter | null,
    /** One line for the hub to log at start: where its time series go. */
    readonly startMessage: string,
    readonly hiRes: HiResHistory = new HiResHistory(),
  ) {}

  recordMeasures(region: string, measures: Measures): void {
    this.history.recordMeasures(measures);
    this.writer?.writeMeasures(region, measures);
  }

  recordSignal(region: string, signal: Signal): void {
    this.history.recordSignal(signal);
    this.writer?.writeSignal(region, signal);
  }

  recordPlan(region: string, plan: Plan): void {
    this.history.recordPlan(plan);
    this.writer?.writePlan(region, plan);
  }

  recordStatus(region: string, status: Status): void {
    this.writer?.writeStatus(region, status);
  }

  /** The hi-res log is kept in memory (packed, for the performance measures too); the server gets every hi-res event and each served phase green. */
  recordEvents(region: string, events: Events): void {
    this.history.recordEvents(events);
    this.hiRes.record(events);
    this.writer?.writeEvents(region, events);
  }

  /** The writer's stats, or null with no server. */
  stats(): WriterStats | null {
    return this.writer?.stats() ?? null;
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}

/**
 * Builds the recorder from the hub's `recorder` config section. Throws a `ValidationError` naming
 * the bad field (`recorder.timeSeries.url: ...`). Log `startMessage` at start.
 */
export function createRecorder(config: RecorderConfigInput = {}, deps: { logger?: Logger } = {}): Recorder {
  const parsed = parseOrThrow(RecorderConfig, config, "recorder");
  const history = new MemoryHistory(parsed.history);
  const hiRes = new HiResHistory(parsed.hiRes);
  if (!parsed.timeSeries) return new Recorder(history, null, NO_SERVER_MESSAGE, hiRes);
  const writer = new TimeSeriesWriter(parsed.timeSeries, deps);
  const { org, bucket } = parsed.timeSeries;
  return new Recorder(history, writer, `writing time series to ${withoutCredentials(parsed.timeSeries.url)} (org ${org}, bucket ${bucket}); recent history also in memory`, hiRes);
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}
