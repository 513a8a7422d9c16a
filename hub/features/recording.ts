import { join } from "node:path";
import type { Logger } from "pino";
import type { Plan } from "../../protocol/index.js";
import type { HubConfig } from "../config.js";
import type { Ingest } from "../ingest/index.js";
import { createRecorder, hiResBoundsFor, historyBoundsFor, type Recorder } from "../tsdb/index.js";

/**
 * How many intersections the hub can hear of: the configured ones and, with the embedded broker,
 * each device account's (its ACL lets a device speak only for its own intersection). The memory
 * history's whole-hub budgets are shared among all of them, so accounts for intersections the
 * configuration does not describe cannot take the hub past its budget (each intersection's bounds
 * shrink instead). An external broker's accounts are not known here: only the configured count.
 */
export function intersectionsHeard(config: Pick<HubConfig, "intersections" | "broker">): number {
  const ids = new Set(config.intersections.map((x) => x.intersectionId));
  if (config.broker.type === "embedded") for (const device of config.broker.devices) ids.add(device.intersectionId);
  return ids.size;
}

/**
 * Everything the edge says, recorded: to the time-series server when one is configured, and to
 * the history the hub keeps in memory (recent measures, signals and events; the hi-res log for
 * the performance measures), which the API reads.
 */
export class Recording {
  readonly recorder: Recorder;

  constructor(config: HubConfig, log: Logger) {
    this.recorder = createRecorder(
      // Without explicit bounds, memory history is sized to the city, so 5,000 intersections stay in
      // about half a gigabyte however long the hub runs.
      {
        ...(config.timeSeries
          ? // With a data directory, an outage longer than the memory buffer spills to disk instead of dropping.
            { timeSeries: config.dataDir && !config.timeSeries.spillDir ? { ...config.timeSeries, spillDir: join(config.dataDir, "tsdb-spill") } : config.timeSeries }
          : {}),
        history: config.history ?? historyBoundsFor(intersectionsHeard(config)),
        hiRes: hiResBoundsFor(intersectionsHeard(config)),
      },
      { logger: log.child({ module: "tsdb" }) },
    );
    log.info(this.recorder.startMessage);
  }

  /** The history read side: recent measures, signals and events. */
  get history(): Recorder["history"] {
    return this.recorder.history;
  }

  /** The hi-res event log the performance measures are computed from. */
  get hiRes(): Recorder["hiRes"] {
    return this.recorder.hiRes;
  }

  follow(ingest: Ingest): void {
    const recorder = this.recorder;
    ingest.onMeasures((m, region) => recorder.recordMeasures(region, m));
    ingest.onSignal((s, region) => recorder.recordSignal(region, s));
    ingest.onStatus((s, region) => recorder.recordStatus(region, s));
    ingest.onEvents((e, region) => recorder.recordEvents(region, e));
  }

  recordPlan(region: string, plan: Plan): void {
    this.recorder.recordPlan(region, plan);
  }

  stats(): ReturnType<Recorder["stats"]> {
    return this.recorder.stats();
  }

  stop(): Promise<void> {
    return this.recorder.close();
  }
}
