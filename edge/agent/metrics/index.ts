export { renderEdgeMetrics, type EdgeMetricsSnapshot } from "./edge-metrics.js";
export { LatencyHistogram, LATENCY_BOUNDS_S } from "./latency-histogram.js";
export { startMetricsServer, type MetricsServer, type AgentHealth } from "./metrics-server.js";
