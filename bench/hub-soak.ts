/**
 * The hub alone under sustained load, to find what stalls it (issue 17): N intersections' measures
 * (1 Hz) and signal changes (every 3 s) fed through the embedded broker's in-process client (no
 * sockets, no logins, so 5,000 intersections start at once and the hub's own work is all there is),
 * one live websocket client reading. Prints each second the process CPU, the event loop's longest
 * delay, heap / external / RSS, the old space's growth (what was promoted: it sets how often a major
 * collection marks the whole heap) and the time spent in, and the longest single call of, each
 * suspect (total/max(calls) ms), so periodic whole-fleet work shows by name. Run it with
 * `--trace-gc` to see each major collection's incremental marking. Last, one JSON line.
 *
 *   npm run bench:hub-soak -- --intersections 5000 --seconds 120 [--broker-thread 0|1]
 *
 * With the broker in its own thread (the hub's default, `--broker-thread 1`) the in-process feed
 * crosses the thread's port both ways and is decoded there, as devices' messages are; `0` feeds
 * the hub's main thread directly, as before the thread.
 *
 * Experiments: `SOAK_OFF=store-measures,store-signal,demand,history` switches a suspect's
 * long-lived allocation off to see what it costs; `SOAK_SNAPSHOT=file` writes a heap snapshot at
 * the end. No baseline in the same run: compare a commit against another back to back.
 */
import { monitorEventLoopDelay, PerformanceObserver, constants as perfConstants } from "node:perf_hooks";
import WebSocket from "ws";
import { getHeapSpaceStatistics } from "node:v8";
import { topicFor } from "../protocol/index.js";
import { startHubServer } from "../hub/server.js";
import { cityIdOf, cityIntersections, cityMeasures, citySignal, publishCityConfigs } from "./hub-city.js";
import { LiveStream } from "../hub/api/live/live-stream.js";
import { PlanQueue } from "../hub/planner/plan-queue.js";
import { Planner } from "../hub/planner/planner.js";
import { IngestPipeline } from "../hub/ingest/pipeline.js";
import { IntersectionStore } from "../hub/ingest/intersection-store.js";
import { MemoryHistory } from "../hub/tsdb/memory-history.js";
import { TextRing } from "../hub/tsdb/text-ring.js";
import { IntersectionViews } from "../hub/api/intersection-views.js";
import type { HeapFigures } from "../hub/heap-figures.js";
import { startPromotionProfile } from "./promotion-profile.js";

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number): number => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
const N = arg("intersections", 5000);
const SECONDS = arg("seconds", 120);
const BROKER_THREAD = arg("broker-thread", 1) !== 0;
const REGION = "bench";

const stats = new Map<string, { total: number; max: number; calls: number }>();
function wrap(proto: object, method: string, label = method): void {
  const p = proto as Record<string, (...a: unknown[]) => unknown>;
  const original = p[method]!;
  p[method] = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    try {
      return original.apply(this, a);
    } finally {
      const ms = performance.now() - t;
      const s = stats.get(label) ?? { total: 0, max: 0, calls: 0 };
      s.total += ms;
      s.calls++;
      if (ms > s.max) s.max = ms;
      stats.set(label, s);
    }
  };
}
wrap(LiveStream.prototype, "tick", "live.tick");
wrap(LiveStream.prototype as unknown as object, "snapshot", "live.snapshot");
wrap(IntersectionViews.prototype, "many", "views.many");
wrap(IngestPipeline.prototype, "handle", "ingest.handle");
wrap(Planner.prototype, "due", "planner.due");
wrap(PlanQueue.prototype as unknown as object, "schedule", "planQueue.schedule");
wrap(MemoryHistory.prototype, "recordMeasures", "history.measures");
wrap(MemoryHistory.prototype, "recordSignal", "history.signal");
wrap(MemoryHistory.prototype, "recordPlan", "history.plan");
wrap(TextRing.prototype as unknown as object, "compact", "textRing.compact");
// Experiments: switch a suspect's long-lived allocation off to see what it costs the old space.
const off = new Set((process.env.SOAK_OFF ?? "").split(",").filter(Boolean));
if (off.has("store-measures")) IntersectionStore.prototype.applyMeasures = () => undefined;
if (off.has("store-signal")) IntersectionStore.prototype.applySignal = () => undefined;
// No demand: no plans either.
if (off.has("demand")) Planner.prototype.observe = () => false;
if (off.has("history")) {
  MemoryHistory.prototype.recordMeasures = () => undefined;
  MemoryHistory.prototype.recordSignal = () => undefined;
}

const idOf = cityIdOf;
const token = "bench-viewer-token-0123456789";
const server = await startHubServer({
  regions: [REGION],
  broker: { type: "embedded", port: 0, devices: [], hub: { username: "bench-hub", password: "bench-hub-password" }, thread: BROKER_THREAD },
  api: { port: 0, tokens: [{ name: "bench", role: "viewer", token }] },
  intersections: cityIntersections(N, REGION),
  planning: { clock: "measures" },
  log: { level: "warn" },
});
await publishCityConfigs(server.hub, REGION, N);
const local = server.hub.broker!.local;
const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/live?token=${token}`);
let wsBytes = 0;
/** Publish→websocket of each new signal state, the longest per second. */
let wsLatencyMax = 0;
// Per intersection (`x<i>`), in a typed array: a Map of timestamps boxes a number per set, which the soak would count as the hub's promotion.
const lastSignalTs = new Float64Array(N);
ws.on("message", (data: Buffer) => {
  wsBytes += data.length;
  const msg = JSON.parse(data.toString()) as { type: string; intersections?: { intersectionId: string; signalTs?: number | null }[] };
  const now = Date.now();
  if (msg.type !== "update") return;
  for (const s of msg.intersections ?? []) {
    const i = Number(s.intersectionId.slice(1));
    if (s.signalTs == null || lastSignalTs[i] === s.signalTs) continue;
    lastSignalTs[i] = s.signalTs;
    wsLatencyMax = Math.max(wsLatencyMax, now - s.signalTs);
  }
});
await new Promise((r) => ws.once("open", r));

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
/** Young-generation collections (when, ms): what the promotion costs on every one. */
const scavengesAll: { at: number; ms: number }[] = [];
let majorGcMs: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcMs.push(Math.round(e.duration));
    else if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavengesAll.push({ at: Date.now(), ms: e.duration });
  }
}).observe({ entryTypes: ["gc"] });

// SOAK_PROFILE=top|file.heapprofile: sample, from 20 s on, the allocations that outlive a scavenge
// (what gets promoted), and print their top allocation sites at the end.
type PromotionProfile = Awaited<ReturnType<typeof startPromotionProfile>>;
const promotionRef: { profile: PromotionProfile | null } = { profile: null };
const profile = process.env.SOAK_PROFILE ? setTimeout(() => void startPromotionProfile().then((p) => (promotionRef.profile = p)), 20_000) : null;
const seqs = new Array<number>(N).fill(0);
const started = Date.now();
const stopAt = started + SECONDS * 1000;
const timers: NodeJS.Timeout[] = [];
for (let i = 0; i < N; i++) {
  const id = idOf(i);
  let tick = 0;
  const fire = (): void => {
    const ts = Date.now();
    if (ts >= stopAt) return;
    tick++;
    void local.publish(topicFor(REGION, id, "measures"), JSON.stringify(cityMeasures(i, id, tick, ts, ++seqs[i]!)), { retain: false });
    if (tick % 3 === 0) {
      void local.publish(topicFor(REGION, id, "signal"), JSON.stringify(citySignal(id, tick, ts, ++seqs[i]!)), { retain: false });
    }
  };
  timers.push(setTimeout(() => timers.push(setInterval(fire, 1000)), Math.floor((i / N) * 1000)));
}
let cpu = process.cpuUsage();
let second = 0;
const mb = (b: number): number => Math.round(b / 1e6);
let oldPrev = oldUsed();
function oldUsed(): number { return getHeapSpaceStatistics().find((x) => x.space_name === "old_space")!.space_used_size; }
let promotedTotal = 0;
/** Measures and signals the hub took in after 20 s: under load it takes in less than it is fed, so promotion is also given per message. */
const taken = (): number => { const m = server.hub.ingest.stats().messages; return m.measures + m.signal; };
let takenAt20: number | null = null;
let rssAt60Mb: number | null = null;
let loopMaxMs = 0;
let majorGcs = 0;
let majorGcMaxMs = 0;
// The broker thread's heap (when it runs in a thread), asked every second: the hub's RSS is both heaps plus native memory.
let threadHeap: HeapFigures | null = null;
const perSecond = setInterval(() => {
  threadHeap = server.hub.broker?.heap() ?? null;
  second = Math.round((Date.now() - started) / 1000);
  const oldNow = oldUsed();
  const promoted = Math.max(0, oldNow - oldPrev);
  oldPrev = oldNow;
  if (second > 20) promotedTotal += promoted;
  if (second >= 20 && takenAt20 === null) takenAt20 = taken();
  const c = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const top = [...stats].filter(([, s]) => s.total >= 20 || s.max >= 20).sort((a, b) => b[1].total - a[1].total).map(([k, s]) => `${k} ${s.total.toFixed(0)}/${s.max.toFixed(0)}(${s.calls})`).join(" ");
  process.stderr.write(`${String(second).padStart(4)}s cpu ${((c.user + c.system) / 1e6).toFixed(2)} loopMax ${(loop.max / 1e6).toFixed(0)} wsMax ${wsLatencyMax} heap ${mb(mem.heapUsed)}/${mb(mem.heapTotal)} thread ${threadHeap ? `${mb(threadHeap.used)}/${mb(threadHeap.size)}` : "-"} ext ${mb(mem.external)} ab ${mb(mem.arrayBuffers)} rss ${mb(mem.rss)} native ${mb(mem.rss - mem.heapTotal - (threadHeap?.size ?? 0) - mem.external)} old+ ${(promoted / 1e6).toFixed(1)} gc ${majorGcMs.join(",")} | ${top}\n`);
  if (second >= 60 && rssAt60Mb === null) rssAt60Mb = mb(mem.rss);
  if (second > 5) loopMaxMs = Math.max(loopMaxMs, loop.max / 1e6);
  majorGcs += majorGcMs.length;
  majorGcMaxMs = Math.max(majorGcMaxMs, ...majorGcMs);
  stats.clear();
  loop.reset();
  majorGcMs = [];
  wsLatencyMax = 0;
}, 1000);
await new Promise((r) => setTimeout(r, SECONDS * 1000 + 2000));
clearInterval(perSecond);
if (profile) clearTimeout(profile);
if (promotionRef.profile) process.stderr.write(await promotionRef.profile.stop(process.env.SOAK_PROFILE!, SECONDS - 20));
if (process.env.SOAK_SNAPSHOT) process.stderr.write(`heap snapshot ${(await import("node:v8")).writeHeapSnapshot(process.env.SOAK_SNAPSHOT)}\n`);
for (const t of timers) clearInterval(t);
ws.close();
process.stderr.write(`old space growth after 20 s: ${(promotedTotal / 1e6 / (SECONDS - 20)).toFixed(2)} MB/s (off: ${[...off].join(",") || "none"})\n`);
process.stderr.write(`history ${JSON.stringify(server.hub.recorder.history.sizes())} wsBytes ${wsBytes}\n`);
const sizes = server.hub.recorder.history.sizes();
const end = process.memoryUsage();
const endThread = server.hub.broker?.heap() ?? null;
const planRecordsBytes = server.hub.planning.recordBytes();
const takenAfter20 = taken() - (takenAt20 ?? 0);
const scavenges = scavengesAll.filter((x) => x.at - started > 20_000).map((x) => x.ms);
await server.stop();
process.stdout.write(`${JSON.stringify({ bench: "hub-soak", intersections: N, seconds: SECONDS, off: [...off], oldSpaceGrowthMbPerS: Number((promotedTotal / 1e6 / (SECONDS - 20)).toFixed(2)), loopDelayMaxMs: Math.round(loopMaxMs), majorGcs, majorGcMaxMs, rssAt60Mb, rssEndMb: mb(end.rss), heapUsedEndMb: mb(end.heapUsed), heapTotalEndMb: mb(end.heapTotal), threadHeapEndMb: endThread ? mb(endThread.size) : null, externalEndMb: mb(end.external), nativeEndMb: mb(end.rss - end.heapTotal - (endThread?.size ?? 0) - end.external), historyMb: mb(sizes.bytes), planRecordsMb: mb(planRecordsBytes), messagesPerS: Math.round(takenAfter20 / (SECONDS - 20)), promotedBytesPerMsg: Math.round(promotedTotal / Math.max(1, takenAfter20)), scavenges: scavenges.length, scavengeP99Ms: Math.round(scavenges.sort((a, b) => a - b)[Math.floor(scavenges.length * 0.99)] ?? 0), scavengeMaxMs: Math.round(Math.max(0, ...scavenges)), scavengeMsPerS: Number((scavenges.reduce((a, b) => a + b, 0) / (SECONDS - 20)).toFixed(1)) })}\n`);
process.exit(0);
