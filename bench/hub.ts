/**
 * Hub benchmark: N light publishers (no inference; each its own MQTT connection and device
 * account) send measures at 1 Hz and a signal change every 3 s through the broker to the hub,
 * with dashboard websocket clients connected. Measures messages per second taken in, latency from
 * publish to websocket delivery (signal changes) and from measures to plan publish, and lost
 * messages. Baseline, in the same run: raw pub→sub through the same embedded broker with no hub.
 * The load generator runs in child processes so it does not share the hub's event loop: the
 * publishers in one (or `--publisher-processes` of them), and the observer that timestamps arrivals
 * (the websocket reader and plan monitor, or the baseline's raw subscriber) in another, so the
 * publishers' own collections and timer storms are not counted as the hub's latency
 * (`--observer-process 0` puts it back beside the publishers, for A/B). Each reports its own
 * event-loop delay, next to the hub's.
 *
 *   npm run bench:hub -- --intersections 5000 [--seconds 20] [--baseline-seconds 60] [--broker-thread 0|1]
 *     [--observer-process 0|1] [--publisher-processes 1] [--json]
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

interface MemoryBreakdown {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  threadHeapUsedMb: number | null;
  threadHeapTotalMb: number | null;
  /** RSS less both heaps' reservations and external memory: native (malloc, code, stacks). */
  otherMb: number;
}

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
  /** The observer (arrival timestamps) in a process of its own (default) or in the (first) publishers' process, as before. */
  observerProcess: boolean;
  /** How many processes the publishers are split across. */
  publisherProcesses: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const seconds = get("seconds", 20);
  return { intersections: get("intersections", 1000), seconds, wsClients: get("ws-clients", 3), baselineSeconds: get("baseline-seconds", Math.min(seconds, 60)), heapSnapshot: argv.includes("--heap-snapshot") ? argv[argv.indexOf("--heap-snapshot") + 1]! : null, brokerThread: get("broker-thread", 1) !== 0, observerProcess: get("observer-process", 1) !== 0, publisherProcesses: get("publisher-processes", 1), json: argv.includes("--json") };
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
  /** The publishers' own load (all their processes): if it saturates, latencies measure it rather than the hub. */
  cpuCores: number;
  /** The publishers' event loop (the worst of their processes): a stall there delays publishes and counts as latency. */
  loopDelayP99Ms: number;
  /** The longest a publisher's event loop was blocked: one stall hides in a p99. */
  loopDelayMaxMs: number;
  /** The observer's (websocket reader, plan monitor or raw subscriber) event loop: a stall there delays the arrival timestamps. */
  observerLoopDelayP99Ms: number;
  observerLoopDelayMaxMs: number;
  observerCpuCores: number;
}

// ---------- load generator (child processes) ----------
// A child plays one or both roles: publishers for a range of intersections, and the observer that
// timestamps arrivals. With `--observer-process 1` (the default) the observer has a process of its
// own, so the publishers' garbage and timers do not delay its timestamps (Date.now() is one clock
// for every process on the machine); `0` puts both in one process, as before, for A/B.

function quickEncode(id: string, kind: "measures" | "signal", payload: object): { topic: string; body: string } {
  return { topic: topicFor(REGION, id, kind), body: JSON.stringify(payload) };
}

/** Every login costs the broker a scrypt, a few at a time: 5,000 of them on a busy 2-core machine take minutes, more than mqtt.js's 30 s default. */
const CONNECT_TIMEOUT_MS = 600_000;

async function connectAll(url: string, from: number, to: number): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  for (let start = from; start < to; start += 250) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + 250); i++) {
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

interface Role {
  mode: "baseline" | "hub";
  brokerUrl: string;
  hubAccount: { username: string; password: string };
  liveUrl: string | null;
  args: Args;
  /** Publish for intersections [from, to), or none. */
  publish: { from: number; to: number } | null;
  observe: boolean;
}

/** What one child reports. Signals are counted per intersection (sent, and seen by the observer, with ts before the cut-off) so `lost` needs no shared map. */
interface ChildReport {
  connectS: number;
  cpuCores: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  publisher: { sentMeasures: number; sentSignal: number; from: number; signalsBeforeCut: number[] } | null;
  observer: { received: number; latencyMs: number[]; windowMs: number[][]; planLatencyMs: number[]; signalsBeforeCut: number[] } | null;
}

type ChildMessage = { t: "ready" } | { t: "report"; report: ChildReport };

/** Signals sent in the last second may still be in flight at the cut-off; they are not "lost". */
const cutOf = (startAt: number, seconds: number): number => startAt + seconds * 1000 - 1000;

interface Observer {
  report(): NonNullable<ChildReport["observer"]>;
  close(): Promise<void>;
}

async function startObserver(role: Role, getStart: () => number): Promise<Observer> {
  const { mode, brokerUrl, hubAccount, liveUrl, args } = role;
  const n = args.intersections;
  const indexOf = new Map<string, number>(Array.from({ length: n }, (_, i) => [idOf(i), i]));
  const lastTs = new Float64Array(n);
  const beforeCut = new Array<number>(n).fill(0);
  let received = 0;
  const latencyMs: number[] = [];
  const windowMs: number[][] = [];
  const planLatencyMs: number[] = [];
  const cleanup: (() => void)[] = [];
  /** A new signal state of intersection `id` with `ts`, seen at `now`. */
  const seen = (now: number, id: string, ts: number): boolean => {
    const i = indexOf.get(id);
    const start = getStart();
    if (i === undefined || ts < start || lastTs[i] === ts) return false;
    lastTs[i] = ts;
    if (ts < cutOf(start, args.seconds)) beforeCut[i]!++;
    latencyMs.push(now - ts);
    (windowMs[Math.max(0, Math.floor((now - start) / 5000))] ??= []).push(now - ts);
    return true;
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
      if (decoded.kind === "signal") seen(now, decoded.intersectionId, decoded.payload.ts);
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
      // Only the first client reads what it gets: the others stand for dashboards on other
      // machines, and parsing their copies here would only slow the observer down.
      if (k > 0) ws.on("message", () => undefined);
      else
        ws.on("message", (data) => {
          const now = Date.now();
          const msg = JSON.parse(data.toString()) as { type: string; intersections?: { intersectionId: string; signalTs?: number | null }[] };
          if (msg.type !== "update" && msg.type !== "snapshot") return;
          for (const s of msg.intersections ?? []) if (s.signalTs != null && seen(now, s.intersectionId, s.signalTs)) received++;
        });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      cleanup.push(() => ws.close());
    }
  }
  return {
    report: () => ({ received, latencyMs, windowMs, planLatencyMs, signalsBeforeCut: beforeCut }),
    close: async () => {
      for (const c of cleanup) c();
      await monitor.endAsync();
    },
  };
}

/** One child: connect, say ready, wait for the common start time, publish and/or observe for the run, report. */
async function child(role: Role, startAtPromise: Promise<number>, ready: () => void): Promise<ChildReport> {
  const { args } = role;
  const t0 = performance.now();
  let startAt = Number.POSITIVE_INFINITY;
  const observer = role.observe ? await startObserver(role, () => startAt) : null;
  const range = role.publish;
  const publishers = range ? await connectAll(role.brokerUrl, range.from, range.to) : [];
  const connectS = (performance.now() - t0) / 1000;
  ready();
  startAt = await startAtPromise;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const cpuBefore = process.cpuUsage();
  const stopAt = startAt + args.seconds * 1000;
  const lateCut = cutOf(startAt, args.seconds);
  let sentMeasures = 0;
  let sentSignal = 0;
  const signalsBeforeCut: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  setTimeout(() => loopDelay.enable(), Math.max(0, startAt - Date.now()));
  if (range) {
    // Publish: measures at 1 Hz, a signal change every 3 s, each intersection at its own phase.
    for (let i = range.from; i < range.to; i++) {
      const client = publishers[i - range.from]!;
      const id = idOf(i);
      const k = i - range.from;
      signalsBeforeCut.push(0);
      let tick = 0;
      let seq = 0;
      const fire = (): void => {
        const ts = Date.now();
        if (ts >= stopAt) return;
        tick++;
        // The generator sends known-good payloads: plain JSON.stringify, no schema check, so that
        // its own CPU does not colour the latencies it measures (the hub still validates them).
        const m = quickEncode(id, "measures", cityMeasures(i, id, tick, ts, ++seq));
        client.publish(m.topic, m.body, { qos: 1 });
        sentMeasures++;
        if (tick % 3 === 0) {
          const s = quickEncode(id, "signal", citySignal(id, tick, ts, ++seq));
          if (ts < lateCut) signalsBeforeCut[k]!++;
          client.publish(s.topic, s.body, { qos: 1 });
          sentSignal++;
        }
      };
      const offset = Math.floor((i / args.intersections) * 1000);
      timers.push(setTimeout(() => timers.push(setInterval(fire, 1000)), Math.max(0, startAt - Date.now()) + offset));
    }
  }
  await new Promise((r) => setTimeout(r, Math.max(0, stopAt - Date.now()) + 3000));
  for (const t of timers) clearInterval(t);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const report: ChildReport = {
    connectS,
    cpuCores: (cpu.user + cpu.system) / 1e6 / (args.seconds + 3),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    publisher: range ? { sentMeasures, sentSignal, from: range.from, signalsBeforeCut } : null,
    observer: observer?.report() ?? null,
  };
  await observer?.close();
  await Promise.all(publishers.map((p) => p.endAsync()));
  return report;
}

// ---------- orchestration (parent) ----------

function forkChild(role: Role): { ready: Promise<void>; report: Promise<ChildReport>; go: (startAt: number) => void } {
  const proc: ChildProcess = fork(fileURLToPath(import.meta.url), ["--generator", JSON.stringify(role)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const report = new Promise<ChildReport>((resolve, reject) => {
    proc.on("message", (m: ChildMessage) => (m.t === "ready" ? onReady() : resolve(m.report)));
    proc.on("exit", (code) => (code === 0 ? undefined : reject(new Error(`${role.mode} generator exited with ${code}`))));
  });
  return { ready, report, go: (startAt) => proc.send({ startAt }) };
}

/** Run the load: the observer and the publishers (in `--publisher-processes` processes), all started at one time once every one has connected. */
async function runGenerator(mode: "baseline" | "hub", brokerUrl: string, hubAccount: { username: string; password: string }, liveUrl: string | null, args: Args): Promise<GeneratorResult> {
  const base = { mode, brokerUrl, hubAccount, liveUrl, args };
  const n = args.intersections;
  const k = Math.max(1, args.publisherProcesses);
  const ranges = Array.from({ length: k }, (_, j) => ({ from: Math.floor((j * n) / k), to: Math.floor(((j + 1) * n) / k) }));
  const roles: Role[] = args.observerProcess ? [{ ...base, publish: null, observe: true }, ...ranges.map((publish) => ({ ...base, publish, observe: false }))] : ranges.map((publish, j) => ({ ...base, publish, observe: j === 0 }));
  const t0 = performance.now();
  const children = roles.map(forkChild);
  await Promise.all(children.map((c) => c.ready));
  const connectS = (performance.now() - t0) / 1000;
  // A common start shortly ahead, so every process's timers begin together.
  const startAt = Date.now() + 500;
  for (const c of children) c.go(startAt);
  const reports = await Promise.all(children.map((c) => c.report));
  const observer = reports.find((r) => r.observer)!;
  const obs = observer.observer!;
  const pubs = reports.filter((r) => r.publisher);
  let lost = 0;
  for (const r of pubs) r.publisher!.signalsBeforeCut.forEach((sent, k) => (lost += Math.max(0, sent - obs.signalsBeforeCut[r.publisher!.from + k]!)));
  const sent = { measures: pubs.reduce((a, r) => a + r.publisher!.sentMeasures, 0), signal: pubs.reduce((a, r) => a + r.publisher!.sentSignal, 0) };
  const sorted = (a: number[]): number[] => a.sort((x, y) => x - y);
  return {
    sent,
    received: obs.received,
    lost,
    latencyMs: sorted(obs.latencyMs),
    windowP99Ms: Array.from(obs.windowMs, (w) => percentile(sorted(w ?? []), 99)),
    planLatencyMs: sorted(obs.planLatencyMs),
    msgsPerSec: (sent.measures + sent.signal) / args.seconds,
    connectS,
    cpuCores: pubs.reduce((a, r) => a + r.cpuCores, 0),
    loopDelayP99Ms: Math.max(...pubs.map((r) => r.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...pubs.map((r) => r.loopDelayMaxMs)),
    observerLoopDelayP99Ms: observer.loopDelayP99Ms,
    observerLoopDelayMaxMs: observer.loopDelayMaxMs,
    observerCpuCores: observer.cpuCores,
  };
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
    say(`  baseline: ${baseline.msgsPerSec.toFixed(0)} msg/s offered, ${baseline.received} delivered, p50 ${percentile(baseline.latencyMs, 50)} ms, p99 ${percentile(baseline.latencyMs, 99)} ms, lost ${baseline.lost} (connect ${baseline.connectS.toFixed(1)} s; generator ${baseline.cpuCores.toFixed(2)} cores, loop delay p99 ${baseline.loopDelayP99Ms.toFixed(0)} ms max ${baseline.loopDelayMaxMs.toFixed(0)} ms; observer ${baseline.observerCpuCores.toFixed(2)} cores, loop delay p99 ${baseline.observerLoopDelayP99Ms.toFixed(0)} ms max ${baseline.observerLoopDelayMaxMs.toFixed(0)} ms)`);
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
  // Where the hub's memory is, every 10 s on stderr: the main heap (used/reserved), the broker
  // thread's heap, external (buffers, of which array buffers) and the rest of the RSS (native:
  // malloc, code, stacks, both isolates' overheads).
  // The broker thread's heap: the latest figures it sent (every 250 ms); null in process.
  const breakdown = async (): Promise<MemoryBreakdown> => {
    const m = process.memoryUsage();
    const thread = server.hub.broker?.heap() ?? null;
    const threadTotal = thread?.size ?? 0;
    return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers), threadHeapUsedMb: thread ? mb(thread.used) : null, threadHeapTotalMb: thread ? mb(threadTotal) : null, otherMb: mb(m.rss - m.heapTotal - threadTotal - m.external) };
  };
  const showBreakdown = (t: number, b: MemoryBreakdown): void => say(`  ${String(t).padStart(4)} s memory: rss ${b.rssMb} MB = heap ${b.heapUsedMb}/${b.heapTotalMb} + thread heap ${b.threadHeapUsedMb ?? "-"}/${b.threadHeapTotalMb ?? "-"} + external ${b.externalMb} (array buffers ${b.arrayBuffersMb}) + other ${b.otherMb}; history ${mb(server.hub.recorder.history.sizes().bytes)} MB, plan records ${mb(server.hub.planning.recordBytes())} MB`);
  const hubStartedAt = Date.now();
  const rssTimer = setInterval(() => {
    rssSeries.push(mb(process.memoryUsage.rss()));
    void breakdown().then((b) => showBreakdown(Math.round((Date.now() - hubStartedAt) / 1000), b));
  }, 10_000);
  const hubRun = await runGenerator("hub", server.hub.brokerUrl, hubAccount, liveUrl, args);
  clearInterval(rssTimer);
  const rssEndMb = mb(process.memoryUsage.rss());
  const heapUsedEndMb = mb(process.memoryUsage().heapUsed);
  const memoryEnd = await breakdown();
  showBreakdown(Math.round((Date.now() - hubStartedAt) / 1000), memoryEnd);
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
  say(`  hub: ${hubMsgsPerSec.toFixed(0)} msg/s taken in, publish→websocket p50 ${p50} ms p99 ${p99} ms, measures→plan p50 ${percentile(hubRun.planLatencyMs, 50)} ms p99 ${percentile(hubRun.planLatencyMs, 99)} ms (${hubRun.planLatencyMs.length} plans), lost ${hubRun.lost}, hub CPU ${((cpu.user + cpu.system) / 1e6 / (args.seconds + 3)).toFixed(2)} cores, hub loop delay p99 ${(hubLoopDelay.percentile(99) / 1e6).toFixed(0)} ms max ${(hubLoopDelay.max / 1e6).toFixed(0)} ms; generator ${hubRun.cpuCores.toFixed(2)} cores, loop delay p99 ${hubRun.loopDelayP99Ms.toFixed(0)} ms max ${hubRun.loopDelayMaxMs.toFixed(0)} ms; observer ${hubRun.observerCpuCores.toFixed(2)} cores, loop delay p99 ${hubRun.observerLoopDelayP99Ms.toFixed(0)} ms max ${hubRun.observerLoopDelayMaxMs.toFixed(0)} ms (${args.observerProcess ? "own process" : "in the publishers' process"}, ${args.publisherProcesses} publisher process(es))`);
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
    // The harness's own health: a stall in a publisher or in the observer counts as latency too.
    observerProcess: args.observerProcess,
    publisherProcesses: args.publisherProcesses,
    generatorLoopDelayP99Ms: Math.round(hubRun.loopDelayP99Ms),
    generatorLoopDelayMaxMs: Math.round(hubRun.loopDelayMaxMs),
    observerLoopDelayP99Ms: Math.round(hubRun.observerLoopDelayP99Ms),
    observerLoopDelayMaxMs: Math.round(hubRun.observerLoopDelayMaxMs),
    baselineGeneratorLoopDelayMaxMs: baseline ? Math.round(baseline.loopDelayMaxMs) : null,
    baselineObserverLoopDelayMaxMs: baseline ? Math.round(baseline.observerLoopDelayMaxMs) : null,
    // Where the hub's RSS is at the end (see the 10-s lines on stderr).
    memoryEnd,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const at = process.argv.indexOf("--generator");
if (at > 0) {
  const role = JSON.parse(process.argv[at + 1]!) as Role;
  const startAt = new Promise<number>((resolve) => process.once("message", (m: { startAt: number }) => resolve(m.startAt)));
  const report = await child(role, startAt, () => process.send?.({ t: "ready" } satisfies ChildMessage));
  process.send?.({ t: "report", report } satisfies ChildMessage, () => process.exit(0));
} else {
  await main(parseArgs(process.argv.slice(2)));
}
