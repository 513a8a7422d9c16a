/**
 * What a device message costs the hub's main thread with the broker in its own thread, by what
 * crosses the port (hub/broker/thread-messages.ts): the validated payload as JSON text (what the
 * hub sends), against the baselines measured in the same run: the raw bytes decoded and validated
 * on the main thread (`broker.thread: false`'s work) and the decoded objects structured-cloned.
 * Per message: deserializing the batch (what `postMessage` costs the receiver) plus what the main
 * thread then does. City measures and signal payloads, 2,000 a batch.
 *
 *   npm run bench:thread-wire -- [--messages 2000] [--runs 7]
 */
import { deserialize, serialize } from "node:v8";
import { fromWire, toWire } from "../hub/broker/thread-messages.js";
import { decodeMessage, topicFor } from "../protocol/index.js";
import { cityMeasures, citySignal } from "./hub-city.js";

const get = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = get("messages", 2000);
const RUNS = get("runs", 7);
const PASSES = 20;

const messages = Array.from({ length: N }, (_, i) => {
  const id = `x${i}`;
  const ts = Date.now();
  // As bench:hub sends them: measures every second, a signal change every third.
  return i % 4 === 3
    ? { topic: topicFor("bench", id, "signal"), body: Buffer.from(JSON.stringify(citySignal(id, 3, ts, i))) }
    : { topic: topicFor("bench", id, "measures"), body: Buffer.from(JSON.stringify(cityMeasures(i, id, 1, ts, i))) };
});
const raw = serialize(messages.map((m) => [1, m.topic, m.body, false]));
const cloned = serialize(messages.map((m) => [1, m.topic, decodeMessage(m.topic, m.body), false]));
const text = serialize(messages.map((m) => [1, m.topic, toWire(decodeMessage(m.topic, m.body)), false]));

const variants = {
  jsonText: () => {
    for (const [, , wire] of deserialize(text) as [number, string, Parameters<typeof fromWire>[0]][]) fromWire(wire);
  },
  rawDecodedOnMain: () => {
    for (const [, topic, body] of deserialize(raw) as [number, string, Uint8Array][]) decodeMessage(topic, body);
  },
  structuredClone: () => void deserialize(cloned),
};
type Variant = keyof typeof variants;

// Interleaved, so the machine's load falls on each alike; median µs per message over the runs.
const samples: Record<Variant, number[]> = { jsonText: [], rawDecodedOnMain: [], structuredClone: [] };
for (const f of Object.values(variants)) for (let i = 0; i < PASSES; i++) f(); // warm up
for (let r = 0; r < RUNS; r++) {
  for (const [name, f] of Object.entries(variants) as [Variant, () => void][]) {
    const t = performance.now();
    for (let i = 0; i < PASSES; i++) f();
    samples[name].push(((performance.now() - t) * 1000) / (PASSES * N));
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, xs] of Object.entries(samples)) {
  process.stderr.write(`${name}: median ${median(xs).toFixed(2)} µs/message (runs ${xs.map((x) => x.toFixed(1)).join(" ")})\n`);
}
const result = {
  bench: "thread-wire",
  messages: N,
  runs: RUNS,
  jsonTextUs: Number(median(samples.jsonText).toFixed(2)),
  rawDecodedOnMainUs: Number(median(samples.rawDecodedOnMain).toFixed(2)),
  structuredCloneUs: Number(median(samples.structuredClone).toFixed(2)),
  // How many times cheaper for the main thread than decoding there (the baseline).
  ratio: Number((median(samples.rawDecodedOnMain) / median(samples.jsonText)).toFixed(2)),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
