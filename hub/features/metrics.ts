import type { BrokerStats } from "../broker/index.js";
import type { Ingest } from "../ingest/index.js";
import type { AlarmBoard } from "../services/alarm-board.js";
import type { WriterStats } from "../tsdb/index.js";

/** The hub's counters, for /api/health and Prometheus. */
export interface HubMetrics {
  ingest: ReturnType<Ingest["stats"]>;
  broker: BrokerStats | null;
  plansPublished: number;
  planFailures: number;
  commandsSent: number;
  timeSeries: WriterStats | null;
  intersectionsConfigured: number;
  intersectionsKnown: number;
  alarms: ReturnType<AlarmBoard["stats"]>;
}
