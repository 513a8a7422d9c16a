import type { Alarms, Cameras, ChangeFeed, Commands, HubMetrics, Intersections, Planning, Recording } from "../features/index.js";
import type { IntersectionStore } from "../ingest/index.js";
import type { AuditLog } from "../services/audit-log.js";
import type { ApiConfig } from "./config.js";

/**
 * What the API is built from: the hub's services (a running `Hub` is one). `buildApi` hands each
 * resource plugin only the services it uses.
 */
export interface ApiServices {
  config: { api: ApiConfig };
  /** The hub's clock. */
  now: () => number;
  store: IntersectionStore;
  intersections: Intersections;
  alarms: Pick<Alarms, "list" | "acknowledge">;
  audit: AuditLog;
  commands: Pick<Commands, "send" | "list" | "get">;
  planning: Pick<Planning, "plans" | "override" | "release" | "planner">;
  cameras: Pick<Cameras, "get">;
  recording: Pick<Recording, "history" | "hiRes">;
  changes: Pick<ChangeFeed, "onChange">;
  metrics(): HubMetrics;
}
