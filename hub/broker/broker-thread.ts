// The broker thread's entry (node:worker_threads): the embedded broker, its sockets, logins and
// hardening, plus the decoding and validation of what devices send, all off the hub's main
// thread. Started by `startBrokerThread` (threaded-broker.ts); speaks thread-messages.ts.
import { parentPort, workerData } from "node:worker_threads";
import { pino } from "pino";
import { ValidationError } from "../../protocol/index.js";
import { heapFigures } from "../heap-figures.js";
import { startBroker, type BrokerStats, type RunningBroker } from "./server.js";
import { toWire, type BrokerThreadData, type Delivery, type FromBrokerThread, type ToBrokerThread } from "./thread-messages.js";

/** How often the thread looks for changed stats to send (the main thread's `stats()` is at most this old). */
const STATS_INTERVAL_MS = 25;
/** How often the thread reports its heap (the hub's /metrics shows it beside the main thread's). */
const HEAP_INTERVAL_MS = 250;

const port = parentPort;
if (!port) throw new Error("broker-thread.ts runs as a worker thread (startBrokerThread)");
const data = workerData as BrokerThreadData;
const send = (message: FromBrokerThread): void => port.postMessage(message);

// Records go back to the hub's logger, so they land where the hub's own do.
const log = pino({ level: data.logLevel, base: null, timestamp: false }, { write: (line: string) => send({ t: "log", line }) });

let broker: RunningBroker;
try {
  broker = await startBroker(data.config, { logger: log });
} catch (err) {
  send({ t: "start-failed", message: (err as Error).message, validation: err instanceof ValidationError });
  port.close();
  throw err; // ends the thread; the main thread already has the reason
}

// Deliveries of this turn of the event loop, sent together once it ends. Each message's
// completion waits until the main thread says it handled the batch, as it did when the hub took
// each message in process: aedes reads a client's next packets only once its publishes have
// completed, so a busy main thread slows publishers down instead of queueing without bound, and a
// local publish resolves once the main thread's subscribers have it.
interface Batch {
  deliveries: Delivery[];
  handled: Promise<void>;
  resolve: () => void;
}
let current: Batch | null = null;
const waiting = new Map<number, () => void>();
let batches = 0;

function flush(): void {
  const batch = current;
  current = null;
  if (!batch || batch.deliveries.length === 0) return;
  const n = ++batches;
  waiting.set(n, batch.resolve);
  send({ t: "batch", n, deliveries: batch.deliveries });
}

function deliver(item: Delivery): Promise<void> {
  if (!current) {
    let resolve!: () => void;
    const handled = new Promise<void>((r) => (resolve = r));
    current = { deliveries: [], handled, resolve };
    setImmediate(flush);
  }
  current.deliveries.push(item);
  return current.handled;
}

const subscriptions = new Map<number, () => void>();

async function subscribe(sub: number, filter: string, decode: boolean): Promise<void> {
  const unsubscribe = decode
    ? await broker.local.subscribeDecoded(filter, (topic, message) => {
        const handled = deliver([sub, topic, toWire(message), false]);
        // A reject is only counted over there: its packet (payload, aedes' closures) is let go now
        // instead of living through the main thread's round trip, long enough under a flood of
        // bad payloads to be promoted into this thread's old space. Its publisher is still paced
        // by the decoding here and by the per-device publish rate.
        return message.ok ? handled : undefined;
      })
    : await broker.local.subscribe(filter, (topic, payload, retained) => deliver([sub, topic, payload, retained]));
  subscriptions.set(sub, unsubscribe);
  flush(); // the retained messages go before the answer
  send({ t: "subscribed", sub });
}

// Acknowledgements of the main thread's publishes, sent together once per turn.
let acked: number[] = [];
let failedAcks: [number, string][] = [];
let acksScheduled = false;
function ack(id: number, err: Error | null | undefined): void {
  if (err) failedAcks.push([id, err.message]);
  else acked.push(id);
  if (!acksScheduled) {
    acksScheduled = true;
    setImmediate(() => {
      acksScheduled = false;
      send({ t: "acks", ok: acked, failed: failedAcks });
      acked = [];
      failedAcks = [];
    });
  }
}

let lastStats = JSON.stringify(broker.stats());
const statsTimer = setInterval(() => {
  const stats: BrokerStats = broker.stats();
  const text = JSON.stringify(stats);
  if (text === lastStats) return;
  lastStats = text;
  send({ t: "stats", stats });
}, STATS_INTERVAL_MS);
const heapTimer = setInterval(() => send({ t: "heap", heap: heapFigures() }), HEAP_INTERVAL_MS);

port.on("message", (message: ToBrokerThread) => {
  switch (message.t) {
    case "subscribe":
      subscribe(message.sub, message.filter, message.decode).catch((err: unknown) => {
        throw err; // an aedes failure: crash the thread, which the main thread reports
      });
      return;
    case "unsubscribe":
      subscriptions.get(message.sub)?.();
      subscriptions.delete(message.sub);
      return;
    case "publish":
      broker.local.publish(message.topic, Buffer.from(message.payload), { retain: message.retain }).then(
        () => ack(message.id, null),
        (err: unknown) => ack(message.id, err as Error),
      );
      return;
    case "handled":
      waiting.get(message.n)?.();
      waiting.delete(message.n);
      return;
    case "stop":
      clearInterval(statsTimer);
      clearInterval(heapTimer);
      broker.stop().then(() => {
        send({ t: "stopped" });
        port.close();
      });
      return;
  }
});

const stats = broker.stats();
send({ t: "ready", port: broker.port, wsPort: broker.wsPort, url: broker.url, wsUrl: broker.wsUrl, config: broker.config, stats, heap: heapFigures() });
lastStats = JSON.stringify(stats);
