export { buildApi, type BuildApiOptions } from "./app.js";
export { IntersectionViews } from "./intersection-views.js";
export { degreeOfSaturation, capacityModelOf, type CapacityModel } from "./saturation.js";
export { createTokenMatcher, bearerToken, roleAllows } from "./auth.js";
export { renderMetrics } from "./prometheus.js";
export { ApiError } from "./errors.js";
export { LiveStream, LiveClientMessage, type LiveSocket, type LiveSource, type LiveStats } from "./live/index.js";
export {
  ErrorBody,
  IntersectionSummary,
  IntersectionDetail,
  AlarmRecord,
  TrackedCommand,
  PlanRecord,
  PlanExplanation,
  AuditEntry,
} from "./contract.js";
export { PlanOverrideBody } from "./routes/plans.js";
