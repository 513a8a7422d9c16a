import fastifySwagger from "@fastify/swagger";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler } from "fastify-type-provider-zod";
import { pino, type Logger } from "pino";
import { MAX_PAYLOAD_BYTES } from "../../protocol/index.js";
import { createTokenMatcher } from "./auth.js";
import { authenticate } from "./auth-hooks.js";
import { sendError } from "./errors.js";
import { IntersectionViews } from "./intersection-views.js";
import { LiveStream } from "./live/index.js";
import { zodValidatorCompiler } from "./request-validation.js";
import type { ApiServices } from "./services.js";
import { alarmRoutes } from "./routes/alarms.js";
import { auditRoutes } from "./routes/audit.js";
import { cameraRoutes } from "./routes/camera.js";
import { commandRoutes } from "./routes/commands.js";
import { healthRoutes } from "./routes/health.js";
import { intersectionRoutes } from "./routes/intersections.js";
import { liveRoutes } from "./routes/live.js";
import { meRoutes } from "./routes/me.js";
import { performanceRoutes } from "./routes/performance.js";
import { planRoutes } from "./routes/plans.js";
import { uiRoutes } from "./routes/ui.js";

export interface BuildApiOptions {
  logger?: Logger;
  /** How often the live stream flushes coalesced updates. */
  liveIntervalMs?: number;
  /** How long a live client may stay over `api.wsMaxBufferedBytes` before it is disconnected. */
  liveLagTerminateMs?: number;
  now?: () => number;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: string; key: string };
}

/** `?token=…` must not reach a log line. */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, "$1…");
}

/**
 * The hub's HTTP face: one plugin per resource, each given only the services it uses (no
 * singletons). Not listening yet: call `listen()`, or test it with `inject()`.
 */
export async function buildApi(hub: ApiServices, options: BuildApiOptions = {}): Promise<FastifyInstance> {
  const log = options.logger ?? pino({ level: "silent" });
  const now = options.now ?? hub.now;
  const { requestTimeoutMs, connectionTimeoutMs, maxConnections } = hub.config.api;
  // Fastify's types pick the server from `https`; both give the same FastifyInstance surface here.
  const app = (Fastify as unknown as (opts: object) => FastifyInstance)({
    ...(options.https ? { https: options.https } : {}),
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_PAYLOAD_BYTES,
    // A client that trickles a request, or holds an idle socket, is cut off (websockets are exempt: ws clears the timeout on upgrade).
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
  });
  app.server.maxConnections = maxConnections;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(sendError);
  app.decorateRequest("actor", null);
  app.addHook("onResponse", async (request, reply) => {
    request.log.debug({ method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
  });

  const views = new IntersectionViews(hub);
  const live = new LiveStream(
    {
      onChange: (listener) => hub.changes.onChange(listener),
      summary: (id) => views.summary(id),
      ids: () => views.ids(),
      alarms: () => hub.alarms.list(),
      commands: (id) => hub.commands.list(id, 20),
      detail: (id) => views.detail(id),
      known: (id) => hub.intersections.has(id),
    },
    {
      maxBufferedBytes: hub.config.api.wsMaxBufferedBytes,
      maxClients: hub.config.api.maxLiveClients,
      logger: log.child({ module: "live" }),
      now,
      ...(options.liveIntervalMs !== undefined ? { intervalMs: options.liveIntervalMs } : {}),
      ...(options.liveLagTerminateMs !== undefined ? { lagTerminateMs: options.liveLagTerminateMs } : {}),
    },
  );
  live.start();
  app.addHook("onClose", async () => {
    live.stop();
    views.close();
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Traffic hub API", description: "Adaptive traffic signal hub: intersections, plans, commands, alarms, audit, live stream.", version: "1" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  const match = createTokenMatcher(hub.config.api.tokens);
  const { audit, alarms, commands, planning, cameras, intersections } = hub;
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { metrics: () => hub.metrics(), live });
  await app.register(liveRoutes, { live, match });
  await app.register(async (api) => {
    api.addHook("onRequest", authenticate(match));
    await api.register(meRoutes);
    await api.register(intersectionRoutes, { views, history: hub.recording.history, cameras });
    await api.register(commandRoutes, { commands, views, audit, now });
    await api.register(cameraRoutes, { commands, views, audit, now, controllerOf: (id) => planning.planner.config(id) });
    await api.register(planRoutes, { planning, views, audit, now });
    await api.register(alarmRoutes, { alarms, audit, now });
    await api.register(auditRoutes, { audit, now });
    await api.register(performanceRoutes, { views, intersections, hiRes: hub.recording.hiRes });
  });
  await app.register(uiRoutes, { uiDir: hub.config.api.uiDir });
  return app;
}
