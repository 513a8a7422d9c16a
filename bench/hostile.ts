/**
 * Hostile suite: a real hub (its own process, `traffic-hub` from dist/) with honest simulated
 * agents (the edge's MqttLink, outbox and all) while attackers on the same machine try: 100,000+
 * fuzzed payloads, oversized packets before and after login, a login flood, a client-id takeover,
 * an alarm flood, a websocket subscribe flood, websocket clients that never read, and a hub
 * restart during a time-series outage. Per attack it prints the honest messages lost, the hub's
 * /api/health p99 latency during the attack and the hub's RSS; last, one JSON line.
 *
 * Honest messages are counted by an observer on the hub's own account (`traffic/v1/honest/+/measures`)
 * against what the agents queued. The baseline is the quiet phase before the first attack. The
 * observer's session lives in the hub's broker, so a restart can make it miss what an agent replays
 * before it has subscribed again: those are looked up in the hub's time series (the hub's own record
 * of what it took in), and only what neither has counts as lost. Memory is printed per attack and at
 * the RSS peak as each V8 isolate's heap (main thread, broker thread) and the native rest.
 *
 * The hub runs with the Node flags and environment of `traffic-hub`'s own first line (as installed);
 * `--hub-node "MALLOC_ARENA_MAX=2 node --max-semi-space-size=16"` replaces them for an experiment.
 *
 *   npm run bench:hostile -- [--fuzz 100000] [--honest 20] [--attackers 200] [--seed 1] [--hub-node "…"] [--broker-thread 0|1] [--only "fuzzed,login"]
 *
 * `--only` runs just the attacks whose names start with one of the given words (an experiment; the
 * figures are then not the suite's).
 * `--broker-thread 0` runs the hub's broker on its main thread (`broker.thread: false`), for A/B.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, connect as tcpConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import WebSocket from "ws";
import { MqttLink } from "../edge/agent/link/index.js";
import { Prng } from "../simulators/traffic/prng.js";
import { controllerConfigHash, topicFor, type ControllerTiming } from "../protocol/index.js";
import { mutate, validSample, type EdgeToHubKind } from "./hostile-payloads.js";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const get = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const getText = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ARGS = { fuzz: get("fuzz", 100_000), honest: get("honest", 20), attackers: get("attackers", 200), seed: get("seed", 1), hubNode: getText("hub-node"), brokerThread: get("broker-thread", 1) !== 0 };
const HUB_CLI = join(root, "dist/hub/cli.js");
const ONLY = getText("only")?.split(",").filter((w) => w.length > 0) ?? null;
const chosen = (attack: string): boolean => ONLY === null || ONLY.some((w) => attack.startsWith(w));

/**
 * `VAR=value node --flag …` (the `env -S` part of `traffic-hub`'s `#!` line, or `--hub-node`) as
 * the environment and Node flags to spawn the hub with.
 */
function hubLaunch(line: string): { env: Record<string, string>; nodeArgs: string[]; text: string } {
  const words = line.trim().split(/\s+/);
  const node = words.indexOf("node");
  if (node < 0) throw new Error(`expected "[VAR=value …] node [--flag …]", got ${JSON.stringify(line)}`);
  const env = Object.fromEntries(words.slice(0, node).map((w) => [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] as const));
  return { env, nodeArgs: words.slice(node + 1), text: words.join(" ") };
}
const shebang = readFileSync(HUB_CLI, "utf8").split("\n", 1)[0]!;
const HUB_LAUNCH = hubLaunch(ARGS.hubNode ?? shebang.replace(/^#!\S*env\s+-S\s+/, ""));
const TOKEN = "hostile-bench-token-0123456789";
const HUB_ACCOUNT = { username: "hub", password: "hostile-hub-secret" };
const KINDS: EdgeToHubKind[] = ["measures", "signal", "events", "status"];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

// ---------- the hub under attack, in its own process ----------

/** The hub's settings per honest intersection (its defaults); the phases are the controller's, which each honest agent publishes on `…/config` as a real one does. */
const TIMING = {};
const CONTROLLER: ControllerTiming = {
  phases: [
    { phase: 2, minGreenS: 10, maxGreenS: 60, yellowS: 4, redClearanceS: 2, omittable: false, approaches: [{ approachId: "N", lanes: 1, share: 1 }, { approachId: "S", lanes: 1, share: 1 }] },
    { phase: 4, minGreenS: 8, maxGreenS: 40, yellowS: 3.5, redClearanceS: 2, omittable: false, approaches: [{ approachId: "E", lanes: 1, share: 1 }, { approachId: "W", lanes: 1, share: 1 }] },
  ],
  coordinatedPhase: 2,
  planOperation: "coordinated",
};
const honestId = (i: number): string => `h${i}`;
const attackerId = (i: number): string => `a${i}`;

class HubProcess {
  child: ChildProcess | null = null;
  crashes = 0;
  private expectedExit = false;
  constructor(
    private readonly configPath: string,
    readonly apiUrl: string,
  ) {}

  async start(): Promise<void> {
    this.expectedExit = false;
    const child = spawn(process.execPath, [...HUB_LAUNCH.nodeArgs, HUB_CLI, "--config", this.configPath], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...HUB_LAUNCH.env },
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.on("exit", (code, signal) => {
      if (this.expectedExit) return;
      this.crashes++;
      process.stderr.write(`hub exited unexpectedly (code ${code}, signal ${signal}): ${stderr}\n`);
      void this.start();
    });
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${this.apiUrl}/api/health`)).ok) return;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`hub did not start: ${stderr}`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.expectedExit = true;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    await exited;
  }

  async rssMb(): Promise<number> {
    if (!this.child?.pid) return 0;
    const status = await readFile(`/proc/${this.child.pid}/status`, "utf8").catch(() => "");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  }

  /**
   * What the hub's memory is made of, in MB (its `/metrics`): the process's RSS, then per isolate
   * (`main`, and `broker` for the broker's thread) the heap committed / in use, its young
   * generation (`new`, committed), old space and large objects (committed / in use) and external
   * memory; `native` is the RSS that no heap accounts for (the allocator, buffers, code).
   */
  async memoryMb(): Promise<Record<string, number | string>> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const mb = (bytes: number): number => Number((bytes / 2 ** 20).toFixed(1));
    const rss = Number(/^traffic_hub_process_memory_bytes\{kind="rss"\} (\S+)$/m.exec(text)?.[1] ?? NaN);
    const heap: Record<string, Record<string, number>> = {};
    for (const m of text.matchAll(/^traffic_hub_heap_bytes\{thread="(\w+)",space="(\w+)",kind="(\w+)"\} (\S+)$/gm)) (heap[m[1]!] ??= {})[`${m[2]}.${m[3]}`] = Number(m[4]);
    const out: Record<string, number | string> = { rss: mb(rss) };
    let accounted = 0;
    for (const [thread, h] of Object.entries(heap)) {
      const f = (key: string): number => h[key] ?? 0;
      accounted += f("total.size") + f("external.size");
      out[thread] = [
        `heap ${mb(f("total.size"))}/${mb(f("total.used"))}`,
        `new ${mb(f("new_space.size"))}`,
        `old ${mb(f("old_space.size"))}/${mb(f("old_space.used"))}`,
        `lo ${mb(f("large_object_space.size"))}`,
        `ext ${mb(f("external.size"))}`,
      ].join(" ");
    }
    out.native = mb(rss - accounted);
    return out;
  }

  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const escaped = name.replace(/[{}"]/g, "\\$&");
    return Number(new RegExp(`^${escaped} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  }
}

// ---------- raw MQTT for the attacks mqtt.js will not send ----------

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function utf8Field(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** An MQTT 3.1.1 CONNECT with username and password. */
function connectPacket(clientId: string, username: string, password: string): Buffer {
  const body = Buffer.concat([utf8Field("MQTT"), Buffer.from([4, 0xc2, 0, 60]), utf8Field(clientId), utf8Field(username), utf8Field(password)]);
  return Buffer.concat([Buffer.from([0x10, ...varint(body.length)]), body]);
}

/** Open a raw connection from `localAddress`, send `bytes`, resolve with the CONNACK code (or -1 when closed without one). */
function rawAttempt(port: number, localAddress: string, bytes: Buffer): Promise<number> {
  return new Promise((done) => {
    const socket: Socket = tcpConnect({ host: "127.0.0.1", port, localAddress });
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      done(code);
    };
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (d: Buffer) => finish(d[0] === 0x20 ? d[3]! : -1));
    socket.on("error", () => finish(-1));
    socket.on("close", () => finish(-1));
    socket.setTimeout(15_000, () => finish(-1));
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "hostile-"));
  const [mqttPort, apiPort, tsdbPort] = [await freePort(), await freePort(), await freePort()];
  const devices = [
    ...Array.from({ length: ARGS.honest }, (_, i) => ({ username: `edge-${honestId(i)}`, password: `honest-${i}`, intersectionId: honestId(i), region: "honest" })),
    ...Array.from({ length: ARGS.attackers }, (_, i) => ({ username: `edge-${attackerId(i)}`, password: `attacker-${i}`, intersectionId: attackerId(i), region: "attack" })),
  ];
  const config = {
    broker: { type: "embedded", host: "127.0.0.1", port: mqttPort, hub: HUB_ACCOUNT, devices, thread: ARGS.brokerThread },
    api: { host: "127.0.0.1", port: apiPort, tokens: [{ name: "bench", role: "operator", token: TOKEN }] },
    // An outage from the start: nothing listens here until the restart attack brings a server up.
    timeSeries: { url: `http://127.0.0.1:${tsdbPort}`, textFields: false, maxBufferLines: 5000, batchSize: 1000, flushIntervalMs: 200, minRetryDelayMs: 200, maxRetryDelayMs: 1000 },
    dataDir: join(dir, "data"),
    intersections: Array.from({ length: ARGS.honest }, (_, i) => ({ intersectionId: honestId(i), region: "honest", position: { xM: i * 100, yM: 0 }, timing: TIMING })),
    log: { level: "error" },
  };
  const configPath = join(dir, "hub.json");
  await writeFile(configPath, JSON.stringify(config));
  const hub = new HubProcess(configPath, `http://127.0.0.1:${apiPort}`);
  // Never leave the hub behind, whatever happens here.
  process.once("exit", () => hub.child?.kill("SIGKILL"));
  const brokerUrl = `mqtt://127.0.0.1:${mqttPort}`;
  await hub.start();

  // Observer on the hub's account: what reaches the broker's subscribers from honest agents.
  const received = new Set<string>();
  // A persistent session: when this busy process is slow to read and the broker drops it after its
  // drain timeout, the broker keeps its messages for the reconnect instead of losing them.
  const observer = mqtt.connect(brokerUrl, { ...HUB_ACCOUNT, clientId: "hostile-observer", reconnectPeriod: 50, clean: false });
  observer.on("connect", (ack) => {
    if (!ack.sessionPresent) observer.subscribe("traffic/v1/honest/+/measures", { qos: 1 });
  });
  observer.on("message", (_topic, payload) => {
    try {
      const m = JSON.parse(payload.toString()) as { intersectionId: string; seq: number };
      received.add(`${m.intersectionId}:${m.seq}`);
    } catch {
      /* honest payloads always parse */
    }
  });
  observer.on("error", () => undefined);
  await new Promise<void>((r) => observer.once("connect", () => r()));

  // Honest agents: the edge's own link, 4 measures a second each.
  const sent = new Set<string>();
  /** Each honest message's own timestamp, to look it up in the hub's time series. */
  const sentTs = new Map<string, number>();
  const links = await Promise.all(
    Array.from({ length: ARGS.honest }, (_, i) =>
      MqttLink.open({ url: brokerUrl, username: `edge-${honestId(i)}`, password: `honest-${i}`, region: "honest", intersectionId: honestId(i), outboxDir: join(dir, "outbox", honestId(i)), backoff: { initialMs: 1000 } }),
    ),
  );
  for (const link of links) link.setControllerTiming({ controller: CONTROLLER, hash: controllerConfigHash(CONTROLLER) });
  let honestRunning = true;
  const honestLoop = (async () => {
    while (honestRunning) {
      await Promise.all(
        links.map(async (link, i) => {
          const ts = Date.now();
          const seq = await link.publishMeasures({ ts, intervalMs: 250, modelId: "virtual-loop", framesProcessed: 5, approaches: [{ approachId: "N", count: 1, countsByClass: { car: 1 }, queue: 1, occupancy: 0.2 }, { approachId: "E", count: 0, countsByClass: {}, queue: 0, occupancy: 0 }] });
          sent.add(`${honestId(i)}:${seq}`);
          sentTs.set(`${honestId(i)}:${seq}`, ts);
        }),
      );
      await sleep(250);
    }
  })();
  /** Honest messages the observer missed in the restart phase that the hub's time series has (the hub took them in). */
  let observerOnlyMisses = 0;
  const missing = (): number => {
    let n = 0;
    for (const key of sent) if (!received.has(key)) n++;
    return n;
  };
  /** Wait until every honest message queued so far has reached the observer (or `ms` pass). */
  async function settle(ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (missing() > observerOnlyMisses && Date.now() < deadline) await sleep(100);
  }

  // Health poller in its own process (the attackers here keep this event loop busy): latency of
  // /api/health every 20 ms, tagged with the phase it fell in.
  const poller = fork(join(fileURLToPath(import.meta.url), "../health-poller.js"), [hub.apiUrl], { stdio: "inherit" });
  await new Promise<void>((r) => poller.once("message", () => r()));
  const setPhase = (name: string): void => void poller.send({ phase: name });
  const healthOf = (name: string): Promise<number[]> =>
    new Promise((done) => {
      poller.once("message", (m: { samples: number[] }) => done(m.samples));
      poller.send({ report: name });
    });
  await sleep(3000);
  await settle();
  const baselineRss = await hub.rssMb();
  let peakRss = baselineRss;
  /** The memory breakdown when the RSS last rose to a new peak (which isolate, or the allocator, holds it). */
  let peakMemory: Record<string, number | string> = {};
  const attackSamples: number[] = [];
  const rows: { attack: string; cases: number; honestLost: number; healthP99Ms: number; rssMb: number; refused: string }[] = [];
  const quietSamples = await healthOf("quiet");
  const quietP99 = percentile(quietSamples, 99);
  const quietMemory = await hub.memoryMb();
  console.log(`hub runs as: ${HUB_LAUNCH.text}`);
  console.log(`quiet: health p99 ${quietP99.toFixed(1)} ms, hub RSS ${baselineRss.toFixed(0)} MB ${JSON.stringify(quietMemory)}, ${ARGS.honest} honest agents, ${ARGS.attackers} attacker accounts`);

  async function attack(name: string, run: () => Promise<{ cases: number; refused: () => Promise<string> }>): Promise<void> {
    if (!chosen(name)) return;
    const lostBefore = missing() - observerOnlyMisses;
    setPhase(name);
    /** A new peak: where it fell now, what it is made of once /metrics answers (unless a higher one came meanwhile). */
    const newPeak = (mb: number, when: string): void => {
      peakRss = mb;
      const at = { attack: name, when, rss: Number(mb.toFixed(1)) };
      peakMemory = at;
      void hub.memoryMb().then(
        (memory) => void (peakMemory === at && (peakMemory = { ...at, ...memory, rss: at.rss, metricsRss: memory.rss! })),
        () => undefined,
      );
    };
    const rssWatch = setInterval(() => void hub.rssMb().then((mb) => mb > peakRss && newPeak(mb, "during")), 250);
    const result = await run();
    await settle();
    const honestLost = Math.max(0, missing() - observerOnlyMisses - lostBefore); // now, before later sends are counted as not yet delivered
    clearInterval(rssWatch);
    setPhase("between");
    const rss = await hub.rssMb();
    if (rss > peakRss) newPeak(rss, "after");
    const samples = await healthOf(name);
    attackSamples.push(...samples);
    const row = { attack: name, cases: result.cases, honestLost, healthP99Ms: percentile(samples, 99), rssMb: rss, refused: await result.refused() };
    rows.push(row);
    console.log(`${name.padEnd(26)} cases ${String(row.cases).padStart(7)}  honest not yet delivered (60 s after) ${row.honestLost}  health p99 ${row.healthP99Ms.toFixed(1)} ms  RSS ${rss.toFixed(0)} MB ${JSON.stringify(await hub.memoryMb())}  ${row.refused}`);
  }
  const refusals = async (...reasons: string[]): Promise<string> => {
    const parts = await Promise.all(reasons.map(async (r) => `${r}=${await hub.metric(r)}`));
    return parts.join(" ").replace(/traffic_hub_/g, "");
  };

  // 1. Fuzzed payloads from every attacker account (its own topics, other topics, wrong ids).
  await attack("fuzzed payloads", async () => {
    const prng = new Prng(ARGS.seed);
    const random = (): number => prng.next();
    const per = Math.ceil(ARGS.fuzz / ARGS.attackers);
    let cases = 0;
    for (let batch = 0; batch < ARGS.attackers; batch += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, ARGS.attackers - batch) }, async (_, k) => {
          const i = batch + k;
          const client = await mqtt.connectAsync(brokerUrl, { username: `edge-${attackerId(i)}`, password: `attacker-${i}`, clientId: `fuzz-${i}`, reconnectPeriod: 0 });
          client.on("error", () => undefined);
          const pending: Promise<unknown>[] = [];
          for (let n = 0; n < per && cases < ARGS.fuzz; n++, cases++) {
            const kind = KINDS[Math.floor(random() * KINDS.length)]!;
            const { body } = mutate(validSample(kind, attackerId(i), n + 1), random, attackerId((i + 1) % ARGS.attackers));
            // Mostly its own topic (the validator's work), sometimes another intersection's (the ACL's).
            const target = random() < 0.9 ? attackerId(i) : random() < 0.5 ? honestId(0) : attackerId((i + 7) % ARGS.attackers);
            const region = target.startsWith("h") ? "honest" : "attack";
            pending.push(client.publishAsync(topicFor(region, target, kind), body, { qos: 1 }).catch(() => undefined));
          }
          await Promise.all(pending);
          await client.endAsync();
        }),
      );
    }
    return {
      cases,
      refused: () =>
        refusals(
          'traffic_hub_ingest_rejects_total{reason="too_large"}',
          'traffic_hub_ingest_rejects_total{reason="too_deep"}',
          'traffic_hub_ingest_rejects_total{reason="too_many_items"}',
          'traffic_hub_ingest_rejects_total{reason="string_too_long"}',
          'traffic_hub_ingest_rejects_total{reason="invalid"}',
          'traffic_hub_ingest_rejects_total{reason="bad_json"}',
          'traffic_hub_ingest_rejects_total{reason="id_mismatch"}',
          'traffic_hub_ingest_rejects_total{reason="unknown_approach"}',
          "traffic_hub_broker_denied_publishes_total",
        ),
    };
  });

  // 2. Oversized packets: before login (a CONNECT claiming 200 MiB), and after (a 1 MiB publish).
  await attack("oversized packets", async () => {
    const before = Array.from({ length: 200 }, () => rawAttempt(mqttPort, "127.0.0.9", Buffer.concat([Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]), Buffer.alloc(4096, 7)])));
    const after = Array.from({ length: 20 }, async (_, i) => {
      const client = await mqtt.connectAsync(brokerUrl, { username: `edge-${attackerId(i)}`, password: `attacker-${i}`, clientId: `big-${i}`, reconnectPeriod: 0 });
      client.on("error", () => undefined);
      const closed = new Promise<void>((r) => client.once("close", () => r()));
      client.publish(topicFor("attack", attackerId(i), "measures"), Buffer.alloc(1024 * 1024, 0x20), { qos: 0 });
      await closed;
      client.end(true);
    });
    await Promise.all([...before, ...after]);
    return { cases: 220, refused: () => refusals('traffic_hub_broker_refusals_total{reason="packet_too_large_before_login"}', 'traffic_hub_broker_refusals_total{reason="packet_too_large"}') };
  });

  // 3. Login flood: bad passwords from four other addresses, while a real device logs in.
  let realLoginMs = 0;
  await attack("login flood", async () => {
    const attempts = 4000;
    const flood = (async () => {
      for (let n = 0; n < attempts; n += 200) {
        await Promise.all(Array.from({ length: 200 }, (_, k) => rawAttempt(mqttPort, `127.0.0.${2 + ((n + k) % 4)}`, connectPacket(`flood-${n + k}`, `edge-${honestId(0)}`, "wrong"))));
      }
    })();
    await sleep(500);
    const start = performance.now();
    const real = await mqtt.connectAsync(brokerUrl, { username: `edge-${attackerId(0)}`, password: "attacker-0", clientId: "real-during-flood", reconnectPeriod: 0 });
    realLoginMs = performance.now() - start;
    await real.endAsync();
    await flood;
    return { cases: attempts, refused: async () => `${await refusals("traffic_hub_broker_auth_failures_total", 'traffic_hub_broker_refusals_total{reason="login_backoff"}')} realLoginMs=${realLoginMs.toFixed(0)}` };
  });

  // 4. Client-id takeover: another account claims an honest agent's client id.
  await attack("client-id takeover", async () => {
    const attemptsBefore = links[0]!.stats().connectAttempts;
    let refusedCodes = 0;
    for (let n = 0; n < 50; n++) {
      const code = await rawAttempt(mqttPort, "127.0.0.1", connectPacket(`edge-${honestId(0)}`, `edge-${attackerId(1)}`, "attacker-1"));
      if (code === 2) refusedCodes++;
    }
    const knockedOff = links[0]!.stats().connectAttempts - attemptsBefore;
    return { cases: 50, refused: async () => `${await refusals('traffic_hub_broker_refusals_total{reason="client_id_taken"}')} connack2=${refusedCodes} honestReconnects=${knockedOff}` };
  });

  // 5. Alarm flood: plan-rejected alarms, as fast as the accounts may publish.
  await attack("alarm flood", async () => {
    let cases = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = await mqtt.connectAsync(brokerUrl, { username: `edge-${attackerId(i)}`, password: `attacker-${i}`, clientId: `alarm-${i}`, reconnectPeriod: 0 });
        client.on("error", () => undefined);
        const pending: Promise<unknown>[] = [];
        for (let n = 0; n < 1500; n++, cases++) {
          const ts = Date.now();
          const body = JSON.stringify({ ts, seq: 1_000_000 + n, intersectionId: attackerId(i), events: [{ type: "alarm", ts, alarm: "plan-rejected", message: `flood ${n}`, planId: `p${n}` }] });
          pending.push(client.publishAsync(topicFor("attack", attackerId(i), "events"), body, { qos: 1 }).catch(() => undefined));
        }
        await Promise.all(pending);
        await client.endAsync();
      }),
    );
    return { cases, refused: () => refusals("traffic_hub_alarm_records", 'traffic_hub_broker_refusals_total{reason="rate_limited"}') };
  });

  // 6. Websocket subscribe flood.
  await attack("websocket subscribe flood", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${apiPort}/api/live?token=${TOKEN}`);
    await new Promise<void>((r, f) => ws.once("open", () => r()).once("error", f));
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      ws.send(JSON.stringify({ type: "subscribe", intersectionId: honestId(i % ARGS.honest) }));
      if (i % 5000 === 0) await sleep(1);
    }
    await sleep(1000);
    ws.terminate();
    return { cases: n, refused: () => refusals("traffic_hub_websocket_replies_held_back_total") };
  });

  // 7. Websocket clients that never read.
  await attack("websocket never reads", async () => {
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${apiPort}/api/live?token=${TOKEN}`);
        await new Promise<void>((r, f) => ws.once("open", () => r()).once("error", f));
        (ws as unknown as { _socket: Socket })._socket.pause();
        ws.on("error", () => undefined);
        return ws;
      }),
    );
    await sleep(12_000);
    for (const ws of clients) ws.terminate();
    return { cases: 20, refused: () => refusals("traffic_hub_websocket_updates_skipped_total", "traffic_hub_websocket_clients_terminated_total") };
  });

  // 8. Hub restart during a time-series outage: nothing buffered may be lost.
  let tsLost = 0;
  await attack("restart during TS outage", async () => {
    const bufferedBefore = await hub.metric("traffic_hub_timeseries_buffered_lines");
    const droppedBefore = await hub.metric("traffic_hub_timeseries_dropped_lines_total");
    await hub.stop();
    await hub.start();
    const bufferedAfter = await hub.metric("traffic_hub_timeseries_buffered_lines");
    // The server comes back: everything waiting must go through.
    const vm = spawn("/usr/bin/victoria-metrics", [`-storageDataPath=${join(dir, "vm")}`, `-httpListenAddr=127.0.0.1:${tsdbPort}`, "-loggerLevel=ERROR"], { stdio: "ignore" });
    const deadline = Date.now() + 60_000;
    while ((await hub.metric("traffic_hub_timeseries_buffered_lines")) > 0 && Date.now() < deadline) await sleep(250);
    const written = await hub.metric("traffic_hub_timeseries_written_lines_total");
    await settle();
    // Did the hub take in what the observer missed? Every measures message the hub ingests becomes
    // a time-series line, all written now: a missed message found there is the observer's miss
    // (its session lives in the broker the restart stopped), one not found is the hub's loss.
    const missed = [...sent].filter((k) => !received.has(k));
    await fetch(`http://127.0.0.1:${tsdbPort}/internal/force_flush`).catch(() => undefined);
    await sleep(2000);
    let inSeries = 0;
    for (const key of missed) {
      const [id] = key.split(":");
      const ts = sentTs.get(key)!;
      const q = new URLSearchParams({ "match[]": `approach_measures_interval_ms{intersection="${id}"}`, start: String(ts / 1000 - 1), end: String(ts / 1000 + 1) });
      const body = await (await fetch(`http://127.0.0.1:${tsdbPort}/api/v1/export?${q}`)).text();
      if (body.includes(String(ts))) inSeries++;
    }
    observerOnlyMisses = inSeries;
    if (missed.length > 0) console.log(`honest messages the observer missed after the restart: ${missed.length} (${missed.slice(0, 20).map((k) => `${k}@${sentTs.get(k)}`).join(" ")}); of them in the hub's time series: ${inSeries}`);
    const droppedAfter = await hub.metric("traffic_hub_timeseries_dropped_lines_total");
    tsLost = droppedBefore + droppedAfter + Math.max(0, bufferedBefore - bufferedAfter);
    const vmExited = new Promise<void>((r) => vm.once("exit", () => r()));
    vm.kill("SIGTERM");
    await vmExited;
    return { cases: 1, refused: async () => `bufferedBeforeRestart=${bufferedBefore} bufferedAfterRestart=${bufferedAfter} writtenAfter=${written} tsLinesLost=${tsLost}` };
  });

  honestRunning = false;
  await honestLoop;
  await settle();
  poller.kill();
  const summary = {
    bench: "hostile",
    cases: rows.reduce((n, r) => n + r.cases, 0),
    crashes: hub.crashes,
    // What neither the observer nor the hub's time series has: the hub's loss.
    honestLost: missing() - observerOnlyMisses,
    honestMissedByObserverOnly: observerOnlyMisses,
    honestSent: sent.size,
    healthP99Ms: Number(percentile(attackSamples, 99).toFixed(1)),
    healthP99QuietMs: Number(quietP99.toFixed(1)),
    rssGrowthMb: Number((peakRss - baselineRss).toFixed(1)),
    rssQuietMb: Number(baselineRss.toFixed(1)),
    rssPeakMb: Number(peakRss.toFixed(1)),
    tsLinesLost: tsLost,
    realLoginDuringFloodMs: Number(realLoginMs.toFixed(0)),
    hubNode: HUB_LAUNCH.text,
    brokerThread: ARGS.brokerThread,
    ...(ONLY ? { only: ONLY } : {}),
  };
  await Promise.all(links.map((l) => l.close()));
  await observer.endAsync(true);
  await hub.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  console.log(`at the peak: ${JSON.stringify(peakMemory)}`);
  console.log(JSON.stringify(summary));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
