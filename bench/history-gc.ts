/**
 * What a full memory history costs the garbage collector: fills the hub's `MemoryHistory`, sized
 * for N intersections (`historyBoundsFor`), to its bounds with realistic payloads, then times full
 * collections (`gc()`: a whole mark-compact, the work old-space collections do in slices during a
 * run) and reports the live heap and RSS. Baseline, in the same run: the same items kept the way
 * the history kept them before (a `{ts, text}` object and a string per signal state, event and
 * plan). Each mode runs in its own process so the heaps do not mix. Deterministic apart from
 * timing: the object counts behind the figures do not depend on the machine's load.
 *
 *   npm run bench:history-gc -- [--intersections 5000] [--json]
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ControllerEvent, Measures, Plan, Signal } from "../protocol/index.js";
import { historyBoundsFor, MemoryHistory } from "../hub/tsdb/index.js";
import { Timeline } from "../hub/tsdb/timeline.js";

type Mode = "packed" | "objects";
interface Result {
  mode: Mode;
  items: number;
  fillS: number;
  heapUsedMb: number;
  rssMb: number;
  arrayBuffersMb: number;
  fullGcMs: number[];
}

const T0 = 1_790_000_000_000;
const APPROACHES = ["N", "S", "E", "W"];

const signal = (id: string, ts: number, seq: number): Signal => ({ ts, seq, intersectionId: id, mode: "adaptive", planId: `p-${id}-${Math.floor(ts / 60_000)}`, cycleSecond: seq % 90, activePhases: [2, 6], groups: { "2": "G", "4": "R", "6": "G", "8": "R" } });
const plan = (id: string, ts: number, seq: number): Plan => ({ ts, seq, intersectionId: id, planId: `p-${id}-${seq}`, cycleS: 90, offsetS: 12, splitsS: { "2": 30, "4": 20, "6": 30, "8": 10 }, validUntil: ts + 60_000, reason: "adaptive: demand N 420 veh/h, E 310 veh/h" }) as Plan;
const event = (ts: number, n: number): ControllerEvent => ({ type: "hires", ts, code: 1 + (n % 20), param: 2 + (n % 4) }) as ControllerEvent;
const measures = (id: string, ts: number, seq: number): Measures => ({ ts, seq, intersectionId: id, intervalMs: 5000, modelId: "virtual-loop", framesProcessed: 50, approaches: APPROACHES.map((approachId, k) => ({ approachId, count: (seq + k) % 7, countsByClass: { car: (seq + k) % 6, bus: 1 }, queue: k, occupancy: 0.25 })) }) as Measures;

/** The history as it was kept before: one `{ts, text}` object and one string per item. */
class ObjectsHistory {
  private readonly lists = new Map<string, Timeline<{ ts: number; text: string }>[]>();
  constructor(private readonly caps: [number, number, number]) {}
  insert(id: string, list: 0 | 1 | 2, item: { ts: number }): void {
    let l = this.lists.get(id);
    if (!l) this.lists.set(id, (l = this.caps.map((c) => new Timeline<{ ts: number; text: string }>(c, (x) => x.ts))));
    l[list]!.insert({ ts: item.ts, text: JSON.stringify(item) });
  }
}

function fill(mode: Mode, intersections: number): Result {
  const bounds = historyBoundsFor(intersections);
  const history = new MemoryHistory(bounds);
  const objects = new ObjectsHistory([bounds.signalsPerIntersection, bounds.plansPerIntersection, bounds.eventsPerIntersection]);
  const t0 = performance.now();
  let items = 0;
  for (let i = 0; i < intersections; i++) {
    const id = `x${i}`;
    // Approach samples are typed arrays in both modes (unchanged by this comparison).
    for (let k = 0; k < bounds.measuresPerApproach; k++) history.recordMeasures(measures(id, T0 + k * 5000, k));
    for (let k = 0; k < bounds.signalsPerIntersection; k++) {
      const s = signal(id, T0 + k * 3000, k);
      if (mode === "packed") history.recordSignal(s);
      else objects.insert(id, 0, s);
    }
    for (let k = 0; k < bounds.plansPerIntersection; k++) {
      const p = plan(id, T0 + k * 60_000, k);
      if (mode === "packed") history.recordPlan(p);
      else objects.insert(id, 1, p);
    }
    for (let k = 0; k < bounds.eventsPerIntersection; k++) {
      const e = event(T0 + k * 1000, k);
      if (mode === "packed") history.recordEvents({ ts: e.ts, seq: k, intersectionId: id, events: [e] });
      else objects.insert(id, 2, e);
    }
    items += bounds.signalsPerIntersection + bounds.plansPerIntersection + bounds.eventsPerIntersection;
  }
  const fillS = (performance.now() - t0) / 1000;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc (npm run bench:history-gc does)");
  gc();
  const fullGcMs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    gc();
    fullGcMs.push(Number((performance.now() - start).toFixed(1)));
  }
  const mem = process.memoryUsage();
  // Keep both alive until measured.
  if (history.sizes().intersections < 0 || objects === null) throw new Error("unreachable");
  return { mode, items, fillS, heapUsedMb: mem.heapUsed / 1e6, rssMb: mem.rss / 1e6, arrayBuffersMb: mem.arrayBuffers / 1e6, fullGcMs };
}

function inChild(mode: Mode, intersections: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", mode, String(intersections)], { execArgv: ["--expose-gc", "--max-old-space-size=4096"] });
    child.once("message", (m) => resolve(m as Result));
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`${mode} exited with ${code}`))));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const i = process.argv.indexOf("--intersections");
  const intersections = i >= 0 ? Number(process.argv[i + 1]) : 5000;
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  const bounds = historyBoundsFor(intersections);
  say(`bench:history-gc — ${intersections} intersections, per intersection: ${bounds.signalsPerIntersection} signal states, ${bounds.plansPerIntersection} plans, ${bounds.eventsPerIntersection} events, 4 approaches × ${bounds.measuresPerApproach} samples`);
  const results: Record<Mode, Result> = { objects: await inChild("objects", intersections), packed: await inChild("packed", intersections) };
  for (const r of Object.values(results)) {
    say(`  ${r.mode.padEnd(7)}: ${r.items} items in ${r.fillS.toFixed(1)} s; full GC ${r.fullGcMs.join(" / ")} ms (median ${median(r.fullGcMs)}); heap used ${r.heapUsedMb.toFixed(0)} MB, array buffers ${r.arrayBuffersMb.toFixed(0)} MB, RSS ${r.rssMb.toFixed(0)} MB`);
  }
  const out = {
    bench: "history-gc",
    intersections,
    items: results.packed.items,
    fullGcMs: median(results.packed.fullGcMs),
    baselineFullGcMs: median(results.objects.fullGcMs),
    heapUsedMb: Math.round(results.packed.heapUsedMb),
    baselineHeapUsedMb: Math.round(results.objects.heapUsedMb),
    rssMb: Math.round(results.packed.rssMb),
    baselineRssMb: Math.round(results.objects.rssMb),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const at = process.argv.indexOf("--child");
if (at > 0) {
  const result = fill(process.argv[at + 1] as Mode, Number(process.argv[at + 2]));
  process.send?.(result, () => process.exit(0));
} else {
  await main();
}
