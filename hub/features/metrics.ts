import type { BrokerStats } from "../broker/index.js";
import type { HeapFigures } from "../heap-figures.js";
import type { Ingest } from "../ingest/index.js";
import type { AlarmBoard } from "../services/alarm-board.js";
import type { WriterStats } from "../tsdb/index.js";

/** The hub's counters, for /api/health and Prometheus. */
export interface HubMetrics {
  ingest: ReturnType<Ingest["stats"]>;
  broker: BrokerStats | null;
  /** The broker thread's heap (the main thread's is read where it is rendered); null without a broker thread. */
  brokerHeap: HeapFigures | null;
  plansPublished: number;
  planFailures: number;
  commandsSent: number;
  timeSeries: WriterStats | null;
  intersectionsConfigured: number;
  intersectionsKnown: number;
  alarms: ReturnType<AlarmBoard["stats"]>;
}
