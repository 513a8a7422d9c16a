import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { buildApi } from "./api/index.js";
import { parseHubConfig, readTlsFile, type HubConfig, type HubConfigInput } from "./config.js";
import { Hub } from "./hub.js";

export interface RunningHubServer {
  hub: Hub;
  app: FastifyInstance;
  /** Where the API and dashboard listen, e.g. http://127.0.0.1:8080 (the real port when config asked for 0). */
  url: string;
  /** Close the API (live clients included), then the hub. Safe to call twice. */
  stop(): Promise<void>;
}

/** The hub process's composition root: start the hub, build its API, listen. */
export async function startHubServer(
  input: HubConfig | HubConfigInput,
  options: { logger?: Logger; liveIntervalMs?: number; /** The hub's clock (default the wall clock). */ now?: () => number } = {},
): Promise<RunningHubServer> {
  const config = parseHubConfig(input);
  const hub = await Hub.start(config, { ...(options.logger ? { logger: options.logger } : {}), ...(options.now ? { now: options.now } : {}) });
  let app: FastifyInstance;
  let url: string;
  try {
    const tls = config.api.tls;
    const https = tls ? { cert: await readTlsFile(tls.certFile, "hub.api.tls.certFile"), key: await readTlsFile(tls.keyFile, "hub.api.tls.keyFile") } : null;
    app = await buildApi(hub, {
      logger: hub.log.child({ module: "api" }),
      ...(https ? { https } : {}),
      ...(options.liveIntervalMs !== undefined ? { liveIntervalMs: options.liveIntervalMs } : {}),
    });
    url = await app.listen({ host: config.api.host, port: config.api.port });
  } catch (err) {
    await hub.stop();
    throw err;
  }
  const tokens = config.api.tokens.length;
  hub.log.info({ url, tokens }, `dashboard at ${url}/ (API at ${url}/api, OpenAPI at ${url}/api/openapi.json)`);
  if (tokens === 0) hub.log.warn("no api.tokens configured: every /api route except /api/health will answer 401");
  let stopping: Promise<void> | null = null;
  return {
    hub,
    app,
    url,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await hub.stop();
      })();
      return stopping;
    },
  };
}
