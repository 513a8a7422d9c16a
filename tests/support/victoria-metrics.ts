/**
 * VictoriaMetrics as a time-series server for the hub's writer tests: started with
 * `-dedup.minScrapeInterval=1ms` (keep one sample per series per ms), the setting under which a
 * redelivered point overwrites itself as it does in InfluxDB. Plain `startVictoriaMetrics()` keeps
 * every duplicate sample. Also: reading series back through `/api/v1/export`.
 */
import { startVictoriaMetrics, type ManagedServer } from "./servers.js";

export function startDedupVictoriaMetrics(): Promise<ManagedServer> {
  // No cap on its HTTP graceful shutdown (-http.maxGracefulShutdownDuration): when the cap is hit,
  // this version exits with "cannot stop the webservice" before flushing storage, losing samples
  // it had acknowledged. Go waits up to 5 s for a connection opened but not yet used.
  return startVictoriaMetrics(["-dedup.minScrapeInterval=1ms"]);
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
