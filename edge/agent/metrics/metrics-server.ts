import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface AgentHealth {
  /** Camera delivering and link connected: nothing for a field engineer to look at. */
  ok: boolean;
  [detail: string]: unknown;
}

export interface MetricsServer {
  /** `http://host:port`, with the port the OS picked when 0 was asked for. */
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` (Prometheus text) and `/health` (JSON; 200 when ok, 503 when degraded) on a local
 * port. Nothing else is served; only GET and HEAD are answered.
 */
export async function startMetricsServer(
  host: string,
  port: number,
  sources: { metrics: () => string; health: () => AgentHealth },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    try {
      if (path === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(req.method === "HEAD" ? undefined : sources.metrics());
      } else if (path === "/health") {
        const health = sources.health();
        res.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" }).end(req.method === "HEAD" ? undefined : JSON.stringify(health));
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics or /health\n");
      }
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
