import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { Health } from "../contract.js";
import { renderMetrics } from "../prometheus.js";
import type { HubMetrics } from "../../features/index.js";
import type { LiveStream } from "../live/index.js";

/** Public: for load balancers, probes and Prometheus. */
export const healthRoutes: FastifyPluginAsyncZod<{ metrics: () => HubMetrics; live: Pick<LiveStream, "stats"> }> = async (app, { metrics, live }) => {
  app.get("/api/health", { schema: { summary: "Liveness and the hub's connections (no token needed)", tags: ["health"], security: [], response: { 200: Health } } }, async () => {
    const m = metrics();
    const ts = m.timeSeries;
    return {
      status: m.ingest.connected ? ("ok" as const) : ("degraded" as const),
      broker: { connected: m.ingest.connected },
      timeSeries: { configured: ts !== null, reachable: ts?.serverReachable ?? null, bufferedLines: ts?.bufferedLines ?? 0 },
    };
  });

  app.get("/metrics", { schema: { summary: "Prometheus metrics (no token needed)", tags: ["health"], security: [] } }, async (_request, reply) =>
    reply.type("text/plain; version=0.0.4; charset=utf-8").send(renderMetrics(metrics(), live.stats())),
  );
};
