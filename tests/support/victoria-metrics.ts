/**
 * VictoriaMetrics as a time-series server for the hub's writer tests: started with
 * `-dedup.minScrapeInterval=1ms` (keep one sample per series per ms), the setting under which a
 * redelivered point overwrites itself as it does in InfluxDB. Plain `startVictoriaMetrics()` keeps
 * every duplicate sample. Its HTTP shutdown is capped at 1 s, so stopping it while a client writes
 * is quick and still flushes storage. Also: reading series back through `/api/v1/export`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, victoriaMetricsBinary, waitForPort, type ManagedServer } from "./servers.js";

export async function startDedupVictoriaMetrics(): Promise<ManagedServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "victoria-dedup-"));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = "";

  async function healthy(): Promise<void> {
    await waitForPort(port, 20_000);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${url}/health`).catch(() => undefined);
      if (res?.ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("victoria-metrics did not become healthy");
  }

  const server: ManagedServer = {
    port,
    url,
    async start() {
      if (child) return;
      output = "";
      const c = spawn(
        victoriaMetricsBinary.path,
        [
          `-httpListenAddr=127.0.0.1:${port}`,
          `-storageDataPath=${join(dir, "data")}`,
          "-retentionPeriod=1y",
          "-search.latencyOffset=0s",
          "-dedup.minScrapeInterval=1ms",
          // A client writing steadily keeps its keep-alive connection busy; do not wait 7 s for it.
          "-http.maxGracefulShutdownDuration=1s",
          "-loggerLevel=ERROR",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      child = c;
      c.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
      c.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
      const exited = new Promise<never>((_, reject) =>
        c.once("exit", (code) => reject(new Error(`victoria-metrics exited with ${code} before it was ready:\n${output}`))),
      );
      exited.catch(() => undefined);
      await Promise.race([healthy(), exited]);
    },
    async stop() {
      const c = child;
      if (!c) return;
      child = undefined;
      if (c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
        c.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        c.kill("SIGTERM");
      });
    },
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** One series from `/api/v1/export`: its labels (`__name__` is `<measurement>_<field>`) and samples. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

function isExportedSeries(value: unknown): value is ExportedSeries {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.metric === "object" && v.metric !== null && Array.isArray(v.values) && Array.isArray(v.timestamps);
}

/**
 * Every series matching a selector such as `{__name__=~"approach_measures_.*",intersection="a"}`.
 * Forces VictoriaMetrics to flush its in-memory parts first: otherwise new data takes up to
 * about 10 s to become searchable.
 */
export async function exportSeries(url: string, selector: string): Promise<ExportedSeries[]> {
  await fetch(`${url}/internal/force_flush`).then((r) => r.body?.cancel());
  const res = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
  if (!res.ok) throw new Error(`export ${selector}: HTTP ${res.status} ${await res.text()}`);
  const out: ExportedSeries[] = [];
  for (const line of (await res.text()).split("\n")) {
    if (line.trim() === "") continue;
    const parsed: unknown = JSON.parse(line);
    if (!isExportedSeries(parsed)) throw new Error(`export ${selector}: unexpected line ${line.slice(0, 200)}`);
    out.push(parsed);
  }
  return out;
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs` naming `what`. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
