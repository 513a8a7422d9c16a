/**
 * How fast a city's devices log in again after a hub restart, by how many password checks run at
 * once (the broker's `maxPasswordChecks`; each check is a scrypt: CPU-bound, 16 MB, on libuv's
 * thread pool). Per setting: a fresh broker (the hub's own `startBroker`, on a free port) with
 * `--devices` accounts, every device connecting at once as after a restart; the time until all are
 * in, logins per second, each login's wait (p50/p99) and the process's RSS above its level before
 * the logins. Settings are interleaved and rotated over `--runs` runs; the baseline is the old
 * fixed 4, measured in the same run. This process is the devices too (mqtt.js; little next to
 * the scrypts). The npm script runs it with the hub's allocator settings (`traffic-hub`'s first line).
 *
 *   npm run bench:relogin -- [--devices 200] [--runs 3] [--settings 1,2,4]
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import mqtt from "mqtt";
import { hashPassword, startBroker } from "../hub/broker/index.js";
import { passwordCheckConcurrency, thisHost } from "../hub/broker/password-check-concurrency.js";

const get = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const DEVICES = Number(get("devices", "200"));
const RUNS = Number(get("runs", "3"));
const SETTINGS = get("settings", "1,2,4").split(",").map(Number);
const BASELINE = 4;

const rssMb = async (): Promise<number> => Number(/VmRSS:\s+(\d+)/.exec(await readFile("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
const median = (values: number[]): number => percentile(values, 50);

interface Trial {
  allInMs: number;
  loginsPerS: number;
  waitP50Ms: number;
  waitP99Ms: number;
  rssAboveMb: number;
}

async function trial(maxPasswordChecks: number, passwordHash: string): Promise<Trial> {
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ username: `edge-${i}`, passwordHash, intersectionId: `i${i}`, region: "bench" }));
  const broker = await startBroker({ host: "127.0.0.1", port: 0, devices, maxPasswordChecks, publishRate: null });
  try {
    const before = await rssMb();
    let peak = before;
    const watch = setInterval(() => void rssMb().then((mb) => (peak = Math.max(peak, mb))), 10);
    const start = performance.now();
    const waits: number[] = [];
    const clients = await Promise.all(
      devices.map(async (d, i) => {
        const client = await mqtt.connectAsync(broker.url, { username: d.username, password: "relogin-bench", clientId: `edge-${i}`, reconnectPeriod: 0, connectTimeout: 120_000 });
        waits.push(performance.now() - start);
        return client;
      }),
    );
    const allInMs = performance.now() - start;
    clearInterval(watch);
    peak = Math.max(peak, await rssMb());
    await Promise.all(clients.map((c) => c.endAsync(true)));
    return { allInMs, loginsPerS: (DEVICES / allInMs) * 1000, waitP50Ms: percentile(waits, 50), waitP99Ms: percentile(waits, 99), rssAboveMb: peak - before };
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const passwordHash = await hashPassword("relogin-bench");
  const derived = passwordCheckConcurrency(thisHost());
  console.log(`${DEVICES} devices log in at once; cores ${availableParallelism()}, thread pool ${thisHost().threadPoolSize}: the default now runs ${derived} checks at once (was ${BASELINE})`);
  await trial(BASELINE, passwordHash); // warm-up, not counted
  const trials = new Map<number, Trial[]>(SETTINGS.map((s) => [s, []]));
  for (let run = 0; run < RUNS; run++) {
    const order = SETTINGS.map((_, i) => SETTINGS[(i + run) % SETTINGS.length]!);
    for (const setting of order) {
      const t = await trial(setting, passwordHash);
      trials.get(setting)!.push(t);
      console.log(`run ${run + 1} maxPasswordChecks ${setting}: all in ${t.allInMs.toFixed(0)} ms, ${t.loginsPerS.toFixed(1)} logins/s, wait p50 ${t.waitP50Ms.toFixed(0)} p99 ${t.waitP99Ms.toFixed(0)} ms, RSS +${t.rssAboveMb.toFixed(1)} MB`);
    }
  }
  const results = Object.fromEntries(
    SETTINGS.map((s) => {
      const ts = trials.get(s)!;
      return [s, { loginsPerS: Number(median(ts.map((t) => t.loginsPerS)).toFixed(1)), allInMs: Math.round(median(ts.map((t) => t.allInMs))), waitP99Ms: Math.round(median(ts.map((t) => t.waitP99Ms))), rssAboveMb: Number(median(ts.map((t) => t.rssAboveMb)).toFixed(1)) }];
    }),
  );
  for (const [s, r] of Object.entries(results)) console.log(`maxPasswordChecks ${s} (median of ${RUNS}): ${r.loginsPerS} logins/s, all in ${r.allInMs} ms, RSS +${r.rssAboveMb} MB`);
  const base = results[BASELINE];
  const chosen = results[derived];
  console.log(
    JSON.stringify({
      bench: "relogin",
      devices: DEVICES,
      runs: RUNS,
      cores: availableParallelism(),
      derivedMaxPasswordChecks: derived,
      loginsPerS: chosen?.loginsPerS ?? null,
      baselineLoginsPerS: base?.loginsPerS ?? null,
      rssAboveMb: chosen?.rssAboveMb ?? null,
      baselineRssAboveMb: base?.rssAboveMb ?? null,
      results,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
