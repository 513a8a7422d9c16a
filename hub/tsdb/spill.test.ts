import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Measures } from "../../protocol/index.js";
import { freePort, victoriaMetricsBinary, type ManagedServer } from "../../tests/support/servers.js";
import { exportSeries, pollUntil, startDedupVictoriaMetrics } from "../../tests/support/victoria-metrics.js";
import { LineSpill } from "./line-spill.js";
import { TimeSeriesWriter } from "./writer.js";

const BASE_TS = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsdb-spill-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function measures(intersectionId: string, ts: number): Measures {
  return Measures.parse({ ts, seq: ts - BASE_TS + 1, intersectionId, intervalMs: 5000, modelId: "virtual-loop", framesProcessed: 1, approaches: [{ approachId: "north", count: 1, countsByClass: { car: 1 }, queue: 0, occupancy: 0.1 }] });
}

describe("LineSpill", () => {
  it("gives lines back oldest first, across a restart", async () => {
    const path = join(dir, "unit");
    const dropped: number[] = [];
    const options = { maxBytes: 1e9, segmentLines: 3, onDrop: (n: number) => dropped.push(n) };
    const first = new LineSpill(path, options);
    first.add(["a", "b", "c", "d"], 1);
    first.add(["e"], 2);
    await first.flush();
    expect(first.lines).toBe(5);
    const second = new LineSpill(path, options);
    expect(second.lines).toBe(5);
    const out: string[] = [];
    for (let batch = await second.take(); batch !== null; batch = await second.take()) out.push(...batch.lines);
    expect(out).toEqual(["a", "b", "c", "d", "e"]);
    expect(await readdir(path)).toEqual([]);
    expect(dropped).toEqual([]);
  });

  it("drops its oldest segment beyond maxBytes and says how many lines went", async () => {
    const dropped: number[] = [];
    const spill = new LineSpill(join(dir, "bounded"), { maxBytes: 1, segmentLines: 2, onDrop: (n) => dropped.push(n) });
    spill.add(["a", "b", "c", "d", "e", "f"], 1);
    await spill.flush();
    expect(dropped).toEqual([2, 2]);
    expect(spill.lines).toBe(2);
  });
});

describe.skipIf(victoriaMetricsBinary.skip)(`TimeSeriesWriter spilling to disk ${victoriaMetricsBinary.reason}`, () => {
  let server: ManagedServer;
  beforeAll(async () => {
    server = await startDedupVictoriaMetrics();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("keeps every line of an outage far beyond its memory bound, across a restart, and delivers them all", async () => {
    const spillDir = join(dir, "writer");
    const dead = `http://127.0.0.1:${await freePort()}`;
    const settings = { flushIntervalMs: 50, minRetryDelayMs: 50, maxRetryDelayMs: 200, requestTimeoutMs: 3000, closeTimeoutMs: 300, textFields: false, maxBufferLines: 200, batchSize: 100, spillDir };
    const during = new TimeSeriesWriter({ url: dead, ...settings });
    const N = 3000;
    for (let i = 0; i < N; i++) during.writeMeasures("r", measures("spilled", BASE_TS + i));
    expect(during.stats()).toMatchObject({ bufferedLines: N, droppedLines: 0 });
    expect(during.stats().spilledLines).toBeGreaterThanOrEqual(N - 200);
    const closed = await during.close();
    expect(closed).toMatchObject({ droppedLines: 0, bufferedLines: N, spilledLines: N });

    // The hub restarts; the server is back.
    const after = new TimeSeriesWriter({ url: server.url, ...settings });
    expect(after.stats().bufferedLines).toBe(N);
    expect(await after.flush()).toBe(true);
    expect(after.stats()).toMatchObject({ writtenLines: N, droppedLines: 0, bufferedLines: 0 });
    const timestamps = await pollUntil("every spilled line readable", async () => {
      const series = await exportSeries(server.url, `{__name__="approach_measures_count",intersection="spilled"}`);
      const ts = series.flatMap((s) => s.timestamps);
      return ts.length === N ? ts : undefined;
    });
    expect(new Set(timestamps).size).toBe(N);
    await after.close();
    expect(await readdir(spillDir)).toEqual([]);
  });
});
