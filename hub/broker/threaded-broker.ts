import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { pino, type Logger } from "pino";
import { ValidationError } from "../../protocol/index.js";
import type { BrokerConfigInput } from "./config.js";
import type { BrokerStats, DecodedHandler, LocalBrokerClient, LocalHandler, RunningBroker } from "./server.js";
import { fromWire, type BrokerThreadData, type DecodedWire, type Delivery, type FromBrokerThread, type ThreadHeap, type ToBrokerThread } from "./thread-messages.js";

/** A broker running in its own thread. */
export interface ThreadedBroker extends RunningBroker {
  /** The thread, for diagnostics and tests (terminating it is a crash the hub reports). */
  readonly worker: Worker;
  /** The thread's heap now (diagnostics: the hub's memory is its main heap plus this one plus native memory). */
  heap(): Promise<ThreadHeap>;
}

/**
 * How to start the thread: its compiled JS next to this file in dist/, or, from the TypeScript
 * source (vitest, tsx), a two-line loader that registers tsx (a devDependency, as those runners
 * are) in the thread and imports the source: Node 20 does not apply `--import tsx` to a worker's
 * entry.
 */
function threadEntry(): { entry: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { entry: new URL("./broker-thread.js", here), eval: false };
  // tsx's ESM API (its CommonJS build resolves its own files wrongly from a worker's eval).
  const tsxApi = pathToFileURL(join(dirname(createRequire(here).resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href;
  const source = new URL("./broker-thread.ts", here).href;
  return { entry: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, eval: true };
}

/** The thread's young generation, in MB (`resourceLimits.maxYoungGenerationSizeMb`). */
const THREAD_YOUNG_GENERATION_MB = 24;

type Handler = { decode: false; handle: LocalHandler } | { decode: true; handle: DecodedHandler };

/**
 * Start the embedded broker (`startBroker`: listeners, logins, ACL, hardening) in a worker thread,
 * so its sockets, MQTT parsing and per-client state, and the decoding and validation of device
 * messages (`local.subscribeDecoded`), stay off the hub's main thread and its heap. Messages come
 * over in one batch per turn of the thread's event loop; a message completes (aedes reads its
 * publisher's next packets, a local publish resolves) once the main thread has handled its batch,
 * as in process. `stats()` is a snapshot the thread sends when it changes. If the thread dies, `failed` settles, `local.running` turns false and
 * pending and later publishes reject.
 */
export async function startBrokerThread(config: BrokerConfigInput, options: { logger?: Logger } = {}): Promise<ThreadedBroker> {
  const log = options.logger ?? pino({ level: "silent" });
  const { entry, eval: isSource } = threadEntry();
  const data: BrokerThreadData = { config, logLevel: log.level };
  // The thread's garbage is short-lived packets and payloads: big semi-spaces (the hub runs with
  // --max-semi-space-size=32, which V8 applies process-wide unless a worker sets its own) would
  // only add RSS there.
  const worker = new Worker(entry, { workerData: data, eval: isSource, resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
  const post = (message: ToBrokerThread): void => worker.postMessage(message);

  let ready: Extract<FromBrokerThread, { t: "ready" }> | null = null;
  let stats: BrokerStats | null = null;
  let running = false;
  let stopping: Promise<void> | null = null;
  let reportFailure!: (err: Error) => void;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
  let failure: Error | null = null;

  const handlers = new Map<number, Handler>();
  const subscribing = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const publishes = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const heaps = new Map<number, { resolve: (heap: ThreadHeap) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  let onStopped: () => void = () => undefined;

  function deliver(deliveries: Delivery[]): void {
    for (const [sub, topic, message, retained] of deliveries) {
      const handler = handlers.get(sub);
      if (!handler) continue; // unsubscribed meanwhile
      try {
        if (handler.decode) void handler.handle(topic, fromWire(message as DecodedWire));
        else void handler.handle(topic, Buffer.from((message as Uint8Array).buffer, (message as Uint8Array).byteOffset, (message as Uint8Array).byteLength), retained);
      } catch (err) {
        // As in process, a handler's throw is its own affair; one message must not cost the rest of the batch.
        log.error({ err, topic }, "broker subscriber threw");
      }
    }
  }

  const started = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: FromBrokerThread) => {
      switch (message.t) {
        case "ready":
          ready = message;
          stats = message.stats;
          running = true;
          return resolve();
        case "start-failed":
          return reject(message.validation ? new ValidationError(message.message) : new Error(message.message));
        case "batch":
          deliver(message.deliveries);
          return post({ t: "handled", n: message.n });
        case "subscribed":
          subscribing.get(message.sub)?.resolve();
          subscribing.delete(message.sub);
          return;
        case "acks":
          for (const id of message.ok) {
            publishes.get(id)?.resolve();
            publishes.delete(id);
          }
          for (const [id, reason] of message.failed) {
            publishes.get(id)?.reject(new Error(reason));
            publishes.delete(id);
          }
          return;
        case "stats":
          stats = message.stats;
          return;
        case "heap":
          heaps.get(message.id)?.resolve(message.heap);
          heaps.delete(message.id);
          return;
        case "log":
          return relayLog(log, message.line);
        case "stopped":
          return onStopped();
      }
    });
    worker.on("error", (err: Error) => {
      if (!running) reject(err);
      fail(err);
    });
    worker.on("exit", (code) => {
      if (!running) reject(new Error(`the broker thread exited with code ${code} before it was ready`));
      fail(new Error(`the broker thread exited with code ${code}`));
    });
  });

  /** The thread is gone: unless the hub asked for it, that is a failure everyone waiting must hear of. */
  function fail(err: Error): void {
    const wasRunning = running;
    running = false;
    if (failure !== null) return;
    failure = stopping ? new Error("broker stopped") : err;
    for (const waiter of [...subscribing.values(), ...publishes.values(), ...heaps.values()]) waiter.reject(failure);
    subscribing.clear();
    publishes.clear();
    heaps.clear();
    if (wasRunning && !stopping) {
      log.error({ err }, "the broker thread died: devices are cut off from the hub");
      reportFailure(err);
    }
  }

  try {
    await started;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const info = ready!;

  function subscribeVia(filter: string, handler: Handler): Promise<() => void> {
    if (failure) return Promise.reject(failure);
    const sub = ++nextId;
    handlers.set(sub, handler);
    const unsubscribe = (): void => {
      if (!handlers.delete(sub)) return;
      if (running) post({ t: "unsubscribe", sub });
    };
    return new Promise<() => void>((resolve, reject) => {
      subscribing.set(sub, { resolve: () => resolve(unsubscribe), reject });
      post({ t: "subscribe", sub, filter, decode: handler.decode });
    });
  }

  const local: LocalBrokerClient = {
    get running() {
      return running;
    },
    subscribe: (filter, handle) => subscribeVia(filter, { decode: false, handle }),
    subscribeDecoded: (filter, handle) => subscribeVia(filter, { decode: true, handle }),
    publish(topic, payload, { retain }) {
      if (failure) return Promise.reject(failure);
      const id = ++nextId;
      return new Promise<void>((resolve, reject) => {
        publishes.set(id, { resolve, reject });
        post({ t: "publish", id, topic, payload, retain });
      });
    },
  };

  return {
    host: info.config.host,
    port: info.port,
    url: info.url,
    wsPort: info.wsPort,
    wsUrl: info.wsUrl,
    config: info.config,
    local,
    failed,
    worker,
    stats: () => structuredClone(stats!),
    heap() {
      if (failure) return Promise.reject(failure);
      const id = ++nextId;
      return new Promise<ThreadHeap>((resolve, reject) => {
        heaps.set(id, { resolve, reject });
        post({ t: "heap", id });
      });
    },
    stop() {
      stopping ??= (async () => {
        if (!running) return;
        const stopped = new Promise<void>((resolve) => {
          onStopped = resolve;
          worker.once("exit", () => resolve());
        });
        post({ t: "stop" });
        await stopped; // listeners closed, clients gone
        await worker.terminate();
      })();
      return stopping;
    },
  };
}

/** Hand one of the thread's pino records to the hub's logger at its level. */
function relayLog(log: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const { level, msg, ...fields } = record;
  const label = typeof level === "number" ? pino.levels.labels[level] : undefined;
  if (label === "fatal" || label === "error" || label === "warn" || label === "info" || label === "debug" || label === "trace") log[label](fields, typeof msg === "string" ? msg : "");
}
