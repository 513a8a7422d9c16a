/**
 * Hub benchmark: N light publishers (no inference; each its own MQTT connection and device
 * account) send measures at 1 Hz and a signal change every 3 s through the broker to the hub,
 * with dashboard websocket clients connected. Measures messages per second taken in, latency from
 * publish to websocket delivery (signal changes) and from measures to plan publish, and lost
 * messages. Baseline, in the same run: raw pub→sub through the same embedded broker with no hub.
 * The load generator runs in a child process so it does not share the hub's event loop.
 *
 *   npm run bench:hub -- --intersections 5000 [--seconds 20] [--baseline-seconds 60] [--broker-thread 0|1] [--json]
 *
 * `--broker-thread 0` runs the hub's embedded broker on its main thread (`broker.thread: false`),
 * for A/B against the default, the broker in its own thread.
 *
 * For sustained runs it also reports the worst 5 s window's p99, the hub's event-loop delay max
 * and the hub process's RSS at the start and end of the hub phase (sampled every 10 s between).
 */
import { fork, type ChildProcess } from "node:child_process";
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { writeHeapSnapshot } from "node:v8";
import mqtt, { type MqttClient } from "mqtt";
import WebSocket from "ws";
import { decodeMessage, topicFilter, topicFor } from "../protocol/index.js";
import { startBroker } from "../hub/broker/index.js";
import { startHubServer } from "../hub/server.js";
import { cityIdOf, cityIntersections, cityMeasures, citySignal, publishCityConfigs } from "./hub-city.js";

const REGION = "bench";

interface Args {
  intersections: number;
  seconds: number;
  wsClients: number;
  /** The baseline only gives throughput and the raw broker's latency: a minute shows both, so a 10-minute hub run need not wait 10 minutes for it. */
  baselineSeconds: number;
  /** Write a V8 heap snapshot of the hub's process here at the end of the hub phase (for diffing what stays live). */
  heapSnapshot: string | null;
  /** The hub's `broker.thread`. */
  brokerThread: boolean;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const seconds = get("seconds", 20);
  return { intersections: get("intersections", 1000), seconds, wsClients: get("ws-clients", 3), baselineSeconds: get("baseline-seconds", Math.min(seconds, 60)), heapSnapshot: argv.includes("--heap-snapshot") ? argv[argv.indexOf("--heap-snapshot") + 1]! : null, brokerThread: get("broker-thread", 1) !== 0, json: argv.includes("--json") };
}

const idOf = cityIdOf;
const passwordOf = (i: number): string => `bench-device-${i}`;

interface GeneratorResult {
  sent: { measures: number; signal: number };
  received: number;
  lost: number;
  latencyMs: number[];
  /** Publish→observer latency p99 per 5 s window of the run, to tell a start-up burst from steady state. */
  windowP99Ms: number[];
  planLatencyMs: number[];
  msgsPerSec: number;
  connectS: number;
  /** The generator's own load: if it saturates, latencies measure it rather than the hub. */
  cpuCores: number;
  loopDelayP99Ms: number;
  /** The longest the generator's event loop was blocked: one stall hides in a p99. */
  loopDelayMaxMs: number;
}

// ---------- load generator (child process) ----------

function quickEncode(id: string, kind: "measures" | "signal", payload: object): { topic: string; body: string } {
  return { topic: topicFor(REGION, id, kind), body: JSON.stringify(payload) };
}

/** Every login costs the broker a scrypt, a few at a time: 5,000 of them on a busy 2-core machine take minutes, more than mqtt.js's 30 s default. */
const CONNECT_TIMEOUT_MS = 600_000;

async function connectAll(url: string, n: number): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  for (let start = 0; start < n; start += 250) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 250); i++) {
      batch.push(mqtt.connectAsync(url, { username: `edge-${idOf(i)}`, password: passwordOf(i), clientId: `edge-${idOf(i)}`, reconnectPeriod: 0, keepalive: 60, connectTimeout: CONNECT_TIMEOUT_MS }));
    }
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function generator(mode: "baseline" | "hub", brokerUrl: string, hubAccount: { username: string; password: string }, liveUrl: string | null, args: Args): Promise<GeneratorResult> {
  const t0 = performance.now();
  const publishers = await connectAll(brokerUrl, args.intersections);
  const connectS = (performance.now() - t0) / 1000;
  const sentSignals = new Map<string, number>(); // `${id}@${ts}` → send time
  let received = 0;
  const latencyMs: number[] = [];
  const byWindow: number[][] = [];
  const planLatencyMs: number[] = [];
  const cleanup: (() => void)[] = [];
  let started = Number.POSITIVE_INFINITY;
  const note = (now: number, ms: number): void => {
    latencyMs.push(ms);
    (byWindow[Math.max(0, Math.floor((now - started) / 5000))] ??= []).push(ms);
  };

  // The observer: a raw subscriber (baseline) or dashboard websockets plus a plan monitor (hub).
  const monitor = await mqtt.connectAsync(brokerUrl, { ...hubAccount, clientId: `bench-monitor-${mode}`, reconnectPeriod: 0 });
  if (mode === "baseline") {
    await monitor.subscribeAsync([topicFilter(REGION, "+", "measures"), topicFilter(REGION, "+", "signal")], { qos: 1 });
    monitor.on("message", (topic, payload) => {
      const now = Date.now();
      const decoded = decodeMessage(topic, payload);
      if (!decoded.ok) return;
      received++;
      if (decoded.kind === "signal") {
        const key = `${decoded.intersectionId}@${decoded.payload.ts}`;
        if (sentSignals.delete(key)) note(now, now - decoded.payload.ts);
      }
    });
  } else {
    await monitor.subscribeAsync(topicFilter(REGION, "+", "plan"), { qos: 1 });
    monitor.on("message", (topic, payload, packet) => {
      if (packet.retain) return;
      const decoded = decodeMessage(topic, payload);
      // A plan's ts is the ts of the measures that made it due.
      if (decoded.ok && decoded.kind === "plan") planLatencyMs.push(Date.now() - decoded.payload.ts);
    });
    for (let k = 0; k < args.wsClients; k++) {
      const ws = new WebSocket(liveUrl!);
      const lastTs = new Map<string, number>();
      // Only the first client reads what it gets: the others stand for dashboards on other
      // machines, and parsing their copies here would only slow this load generator down.
      if (k > 0) {
        ws.on("message", () => undefined);
        await new Promise<void>((resolve, reject) => {
          ws.once("open", () => resolve());
          ws.once("error", reject);
        });
        cleanup.push(() => ws.close());
        continue;
      }
      ws.on("message", (data) => {
        const now = Date.now();
        const msg = JSON.parse(data.toString()) as { type: string; intersections?: { intersectionId: string; signalTs?: number | null }[] };
        if (msg.type !== "update" && msg.type !== "snapshot") return;
        for (const s of msg.intersections ?? []) {
          if (s.signalTs == null || lastTs.get(s.intersectionId) === s.signalTs) continue;
          lastTs.set(s.intersectionId, s.signalTs);
          const key = `${s.intersectionId}@${s.signalTs}`;
          received++;
          if (sentSignals.delete(key)) note(now, now - s.signalTs);
        }
      });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      cleanup.push(() => ws.close());
    }
  }

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  // Publish: measures at 1 Hz, a signal change every 3 s, each intersection at its own phase.
  const seqs = new Array<number>(args.intersections).fill(0);
  let sentMeasures = 0;
  let sentSignal = 0;
  const timers: NodeJS.Timeout[] = [];
  started = Date.now();
  const stopAt = started + args.seconds * 1000;
  for (let i = 0; i < args.intersections; i++) {
    const client = publishers[i]!;
    const id = idOf(i);
    let tick = 0;
    const fire = (): void => {
      const ts = Date.now();
      if (ts >= stopAt) return;
      tick++;
      // The generator sends known-good payloads: plain JSON.stringify, no schema check, so that
      // its own CPU does not colour the latencies it measures (the hub still validates them).
      const m = quickEncode(id, "measures", cityMeasures(i, id, tick, ts, ++seqs[i]!));
      client.publish(m.topic, m.body, { qos: 1 });
      sentMeasures++;
      if (tick % 3 === 0) {
        const s = quickEncode(id, "signal", citySignal(id, tick, ts, ++seqs[i]!));
        sentSignals.set(`${id}@${ts}`, ts);
        client.publish(s.topic, s.body, { qos: 1 });
        sentSignal++;
      }
    };
    const offset = Math.floor((i / args.intersections) * 1000);
    timers.push(setTimeout(() => timers.push(setInterval(fire, 1000)), offset));
  }
  await new Promise((r) => setTimeout(r, args.seconds * 1000 + 3000));
  for (const t of timers) clearInterval(t);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  // Signals sent in the last second may still be in flight at the cut-off; they are not "lost".
  const lateCut = stopAt - 1000;
  let lost = 0;
  for (const sentAt of sentSignals.values()) if (sentAt < lateCut) lost++;
  for (const c of cleanup) c();
  await monitor.endAsync();
  await Promise.all(publishers.map((p) => p.endAsync()));
  latencyMs.sort((a, b) => a - b);
  planLatencyMs.sort((a, b) => a - b);
  const windowP99Ms = Array.from(byWindow, (w) => percentile((w ?? []).sort((a, b) => a - b), 99));
  return { sent: { measures: sentMeasures, signal: sentSignal }, received, lost, latencyMs, windowP99Ms, planLatencyMs, msgsPerSec: (sentMeasures + sentSignal) / args.seconds, connectS, cpuCores: (cpu.user + cpu.system) / 1e6 / (args.seconds + 3), loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 };
}

// ---------- orchestration (parent) ----------

function runGenerator(mode: "baseline" | "hub", brokerUrl: string, hubAccount: { username: string; password: string }, liveUrl: string | null, args: Args): Promise<GeneratorResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--generator", JSON.stringify({ mode, brokerUrl, hubAccount, liveUrl, args })], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (m) => resolve(m as GeneratorResult));
    child.on("exit", (code) => (code === 0 ? undefined : reject(new Error(`${mode} generator exited with ${code}`))));
  });
}

function devices(n: number): { username: string; password: string; intersectionId: string; region: string }[] {
  return Array.from({ length: n }, (_, i) => ({ username: `edge-${idOf(i)}`, password: passwordOf(i), intersectionId: idOf(i), region: REGION }));
}


async function main(args: Args): Promise<void> {
  const hubAccount = { username: "bench-hub", password: "bench-hub-password" };
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  say(`bench:hub — ${args.intersections} intersections, baseline ${args.baselineSeconds} s, hub ${args.seconds} s, ${args.wsClients} websocket clients, broker ${args.brokerThread ? "in its own thread" : "on the hub's main thread"}`);

  // Baseline: the same broker, a raw subscriber, no hub.
  // `--baseline-seconds 0` skips it (exploring the hub alone: every login is a scrypt, 5,000 of them are minutes on a busy machine).
  let baseline: GeneratorResult | null = null;
  const windows = (r: GeneratorResult): string => r.windowP99Ms.map((p, i) => `${i * 5}s:${p}`).join(" ");
  if (args.baselineSeconds > 0) {
    const broker = await startBroker({ port: 0, devices: devices(args.intersections), hub: hubAccount });
    baseline = await runGenerator("baseline", broker.url, hubAccount, null, { ...args, seconds: args.baselineSeconds });
    await broker.stop();
    say(`  baseline: ${baseline.msgsPerSec.toFixed(0)} msg/s offered, ${baseline.received} delivered, p50 ${percentile(baseline.latencyMs, 50)} ms, p99 ${percentile(baseline.latencyMs, 99)} ms, lost ${baseline.lost} (connect ${baseline.connectS.toFixed(1)} s; generator ${baseline.cpuCores.toFixed(2)} cores, loop delay p99 ${baseline.loopDelayP99Ms.toFixed(0)} ms)`);
    say(`    p99 per 5 s window: ${windows(baseline)}`);
  }

  // The hub: broker, ingest, planning, recording, websocket stream.
  const token = "bench-viewer-token-0123456789";
  const server = await startHubServer({
    regions: [REGION],
    broker: { type: "embedded", port: 0, devices: devices(args.intersections), hub: hubAccount, thread: args.brokerThread },
    api: { port: 0, tokens: [{ name: "bench", role: "viewer", token }] },
    intersections: cityIntersections(args.intersections, REGION),
    planning: { clock: "measures" },
    log: { level: "warn" },
  });
  await publishCityConfigs(server.hub, REGION, args.intersections);
  const liveUrl = `${server.url.replace(/^http/, "ws")}/api/live?token=${token}`;
  // Inside the hub: how old each plan is when the broker has it, and each measures when ingest does.
  const planAtBroker: number[] = [];
  await server.hub.broker!.local.subscribe(topicFilter(REGION, "+", "plan"), (_topic, payload) => {
    const ts = (JSON.parse(payload.toString()) as { ts: number }).ts;
    planAtBroker.push(Date.now() - ts);
  });
  const measuresAtIngest: number[] = [];
  server.hub.ingest.onMeasures((m) => measuresAtIngest.push(Date.now() - m.ts));
  const cpuBefore = process.cpuUsage();
  const hubLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  hubLoopDelay.enable();
  // The hub's own collections (the generator is another process): count and pause of the major ones, the stalls issue 17 is about.
  const majorGcMs: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (((e as { detail?: { kind?: number } }).detail)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcMs.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const ingestBefore = server.hub.metrics().ingest.messages;
  const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
  const rssStartMb = mb(process.memoryUsage.rss());
  const rssSeries: number[] = [];
  const rssTimer = setInterval(() => rssSeries.push(mb(process.memoryUsage.rss())), 10_000);
  const hubRun = await runGenerator("hub", server.hub.brokerUrl, hubAccount, liveUrl, args);
  clearInterval(rssTimer);
  const rssEndMb = mb(process.memoryUsage.rss());
  const heapUsedEndMb = mb(process.memoryUsage().heapUsed);
  hubLoopDelay.disable();
  gcObserver.disconnect();
  const historySizes = server.hub.recorder.history.sizes();
  const planRecordsBytes = server.hub.planning.recordBytes();
  if (args.heapSnapshot) say(`  heap snapshot: ${writeHeapSnapshot(args.heapSnapshot)}`);
  const cpu = process.cpuUsage(cpuBefore);
  const metrics = server.hub.metrics();
  const ingested = metrics.ingest.messages.measures + metrics.ingest.messages.signal - ingestBefore.measures - ingestBefore.signal;
  await server.stop();

  const hubMsgsPerSec = ingested / args.seconds;
  planAtBroker.sort((a, b) => a - b);
  measuresAtIngest.sort((a, b) => a - b);
  say(`  inside the hub: measures at ingest p50 ${percentile(measuresAtIngest, 50)} ms p99 ${percentile(measuresAtIngest, 99)} ms; plan at broker p50 ${percentile(planAtBroker, 50)} ms p99 ${percentile(planAtBroker, 99)} ms`);
  const p50 = percentile(hubRun.latencyMs, 50);
  const p99 = percentile(hubRun.latencyMs, 99);
  say(`  hub: ${hubMsgsPerSec.toFixed(0)} msg/s taken in, publish→websocket p50 ${p50} ms p99 ${p99} ms, measures→plan p50 ${percentile(hubRun.planLatencyMs, 50)} ms p99 ${percentile(hubRun.planLatencyMs, 99)} ms (${hubRun.planLatencyMs.length} plans), lost ${hubRun.lost}, hub CPU ${((cpu.user + cpu.system) / 1e6 / (args.seconds + 3)).toFixed(2)} cores, hub loop delay p99 ${(hubLoopDelay.percentile(99) / 1e6).toFixed(0)} ms max ${(hubLoopDelay.max / 1e6).toFixed(0)} ms; generator ${hubRun.cpuCores.toFixed(2)} cores, loop delay p99 ${hubRun.loopDelayP99Ms.toFixed(0)} ms max ${hubRun.loopDelayMaxMs.toFixed(0)} ms`);
  say(`    p99 per 5 s window: ${windows(hubRun)}`);
  say(`  hub major GCs: ${majorGcMs.length}, pauses ${majorGcMs.map((ms) => ms.toFixed(0)).join(" ")} ms`);
  const finite = hubRun.windowP99Ms.filter((p) => Number.isFinite(p));
  const p99WindowMaxMs = finite.length > 0 ? Math.max(...finite) : NaN;
  say(`  hub RSS: start ${rssStartMb} MB, end ${rssEndMb} MB (heap used ${heapUsedEndMb} MB); history holds ${JSON.stringify(historySizes)}, plan records ${mb(planRecordsBytes)} MB; every 10 s: ${rssSeries.join(" ")}`);
  const result = {
    bench: "hub",
    intersections: args.intersections,
    brokerThread: args.brokerThread,
    msgsPerSec: Math.round(hubMsgsPerSec),
    p50Ms: p50,
    p99Ms: p99,
    planP50Ms: percentile(hubRun.planLatencyMs, 50),
    planP99Ms: percentile(hubRun.planLatencyMs, 99),
    lost: hubRun.lost,
    rejects: Object.values(metrics.ingest.rejects).reduce((a, b) => a + b, 0),
    baselineMsgsPerSec: baseline ? Math.round(baseline.received / args.baselineSeconds) : null,
    baselineP99Ms: baseline ? percentile(baseline.latencyMs, 99) : null,
    baselineLost: baseline?.lost ?? null,
    ratio: baseline ? Number((hubMsgsPerSec / (baseline.received / args.baselineSeconds)).toFixed(3)) : null,
    seconds: args.seconds,
    p99WindowMaxMs,
    hubLoopDelayP99Ms: Math.round(hubLoopDelay.percentile(99) / 1e6),
    hubLoopDelayMaxMs: Math.round(hubLoopDelay.max / 1e6),
    majorGcs: majorGcMs.length,
    majorGcMaxMs: Math.round(Math.max(0, ...majorGcMs)),
    rssStartMb,
    rssEndMb,
    rssGrowthMb: Math.round((rssEndMb - rssStartMb) * 10) / 10,
    // The history's planned fill (typed arrays and text buffers, bounded by historyBoundsFor): growth beyond it is a leak or heap growth.
    historyMb: mb(historySizes.bytes),
    // The plan records' packed text (bounded by planRecordBoundsFor): planned fill too.
    planRecordsMb: mb(planRecordsBytes),
    rssGrowthBeyondHistoryMb: Math.round((rssEndMb - rssStartMb - mb(historySizes.bytes) - mb(planRecordsBytes)) * 10) / 10,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const at = process.argv.indexOf("--generator");
if (at > 0) {
  const { mode, brokerUrl, hubAccount, liveUrl, args } = JSON.parse(process.argv[at + 1]!) as { mode: "baseline" | "hub"; brokerUrl: string; hubAccount: { username: string; password: string }; liveUrl: string | null; args: Args };
  const result = await generator(mode, brokerUrl, hubAccount, liveUrl, args);
  process.send?.(result, () => process.exit(0));
} else {
  await main(parseArgs(process.argv.slice(2)));
}
