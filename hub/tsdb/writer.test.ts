import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Events, Measures, Plan, Signal, Status } from "../../protocol/index.js";
import { freePort, victoriaMetricsBinary, type ManagedServer } from "../../tests/support/servers.js";
import { exportSeries, pollUntil, startDedupVictoriaMetrics, type ExportedSeries } from "../../tests/support/victoria-metrics.js";
import { TimeSeriesWriter, type TimeSeriesWriterInput } from "./writer.js";

/** Timestamps an hour back, whole seconds apart: well inside retention, easy to tell apart. */
const BASE_TS = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

function measures(intersectionId: string, ts: number, count = 1): Measures {
  return Measures.parse({
    ts,
    seq: ts - BASE_TS,
    intersectionId,
    intervalMs: 5000,
    modelId: "virtual-loop",
    framesProcessed: 50,
    approaches: [{ approachId: "north", count, countsByClass: { car: count }, queue: 2, occupancy: 0.5 }],
  });
}

/** Settings for tests: short intervals, and no text fields (VictoriaMetrics turns them into zeros). */
function fast(url: string, extra: Partial<TimeSeriesWriterInput> = {}): TimeSeriesWriterInput {
  return { url, flushIntervalMs: 50, minRetryDelayMs: 50, maxRetryDelayMs: 300, requestTimeoutMs: 3000, closeTimeoutMs: 2000, textFields: false, ...extra };
}

function one(series: ExportedSeries[], name: string): ExportedSeries | undefined {
  return series.find((s) => s.metric.__name__ === name);
}

async function countTimestamps(url: string, intersectionId: string): Promise<number[]> {
  const series = await exportSeries(url, `{__name__="approach_measures_count",intersection="${intersectionId}"}`);
  return series.flatMap((s) => s.timestamps).sort((a, b) => a - b);
}

describe("TimeSeriesWriter against a server that can fail", () => {
  it("counts lines that stay unsent past maxRetryTimeMs as dropped", async () => {
    let nowMs = 1_000_000;
    const deadPort = await freePort();
    const writer = new TimeSeriesWriter(fast(`http://127.0.0.1:${deadPort}`, { maxRetryTimeMs: 60_000 }), { now: () => nowMs });
    writer.writeMeasures("r", measures("expiry", BASE_TS));
    writer.writeMeasures("r", measures("expiry", BASE_TS + 1000));
    nowMs += 60_001;
    expect(await writer.flush()).toBe(true);
    expect(writer.stats()).toMatchObject({ droppedLines: 2, bufferedLines: 0, writtenLines: 0 });
    await writer.close();
  });

  it("closes within its timeout when the server is away, counting what it could not send, and ignores later writes", async () => {
    const deadPort = await freePort();
    const writer = new TimeSeriesWriter(fast(`http://127.0.0.1:${deadPort}`));
    for (let i = 0; i < 3; i++) writer.writeMeasures("r", measures("closing", BASE_TS + i * 1000));
    // One attempt has failed before close starts (awaited, not timed), so the close below must
    // give up on a server it knows is away.
    expect(await writer.flush()).toBe(false);
    const stats = await writer.close(300);
    expect(stats).toMatchObject({ droppedLines: 3, bufferedLines: 0, writtenLines: 0, serverReachable: false });
    expect(stats.failedAttempts).toBeGreaterThanOrEqual(1);
    expect(() => writer.writeMeasures("r", measures("closing", BASE_TS + 9000))).not.toThrow();
    expect(writer.stats().droppedLines).toBe(4);
  });

  it("names the bad option", () => {
    expect(() => new TimeSeriesWriter({ url: "ftp://x" })).toThrow(/timeSeries\.url: expected an http\(s\) URL/);
    expect(() => new TimeSeriesWriter({ url: "http://127.0.0.1:1", minRetryDelayMs: 500, maxRetryDelayMs: 100 })).toThrow(/timeSeries\.maxRetryDelayMs/);
  });
});

describe.skipIf(victoriaMetricsBinary.skip)(`TimeSeriesWriter with VictoriaMetrics ${victoriaMetricsBinary.reason}`, () => {
  let server: ManagedServer;

  beforeAll(async () => {
    server = await startDedupVictoriaMetrics();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("writes measures with their tags and the payload's own timestamp, and a redelivery adds no duplicate", async () => {
    const writer = new TimeSeriesWriter(fast(server.url));
    const ts = BASE_TS + 123;
    const payload = measures("tags-1", ts, 4);
    writer.writeMeasures("downtown", payload);
    expect(await writer.flush()).toBe(true);
    writer.writeMeasures("downtown", payload); // a QoS 1 redelivery
    writer.writeMeasures("downtown", measures("tags-1", ts + 5000, 7)); // a later sentinel, sent with it
    expect(await writer.flush()).toBe(true);

    const series = await pollUntil("the sentinel sample", async () => {
      const found = await exportSeries(server.url, `{__name__=~"approach_measures_.*",intersection="tags-1"}`);
      return one(found, "approach_measures_count")?.timestamps.includes(ts + 5000) ? found : undefined;
    });
    const count = one(series, "approach_measures_count");
    expect(count?.metric).toEqual({ __name__: "approach_measures_count", region: "downtown", intersection: "tags-1", approach: "north" });
    expect(count?.timestamps).toEqual([ts, ts + 5000]);
    expect(count?.values).toEqual([4, 7]);
    expect(one(series, "approach_measures_count_car")?.values).toEqual([4, 7]);
    expect(one(series, "approach_measures_occupancy")?.values).toEqual([0.5, 0.5]);
    expect(writer.stats()).toMatchObject({ writtenLines: 3, droppedLines: 0, bufferedLines: 0, serverReachable: true });
    await writer.close();
  });

  it("writes signal, plan and agent health payloads as their own measurements", async () => {
    const writer = new TimeSeriesWriter(fast(server.url));
    const ts = BASE_TS + 7;
    writer.writeSignal("downtown", Signal.parse({ ts, seq: 1, intersectionId: "kinds-1", mode: "adaptive", planId: "p", cycleSecond: 3, activePhases: [2], groups: { "2": "G", "4": "R" } }));
    writer.writePlan(
      "downtown",
      Plan.parse({ ts, seq: 2, intersectionId: "kinds-1", planId: "p", cycleS: 80, offsetS: 5, splitsS: { "2": 40, "4": 40 }, validUntil: ts + 60_000, reason: "test" }),
    );
    writer.writeStatus("downtown", Status.parse({ ts, seq: 3, intersectionId: "kinds-1", online: true, camera: { ok: true }, inferenceFps: 12 }));
    expect(await writer.flush()).toBe(true);
    const series = await pollUntil("all three measurements", async () => {
      const found = await exportSeries(server.url, `{intersection="kinds-1"}`);
      return found.length >= 9 ? found : undefined;
    });
    expect(one(series, "signal_group_2")?.values).toEqual([3]);
    expect(one(series, "signal_group_4")?.values).toEqual([1]);
    expect(one(series, "plan_cycle_s")?.values).toEqual([80]);
    expect(one(series, "plan_split_s_4")?.values).toEqual([40]);
    expect(one(series, "agent_health_online")?.values).toEqual([1]);
    expect(one(series, "agent_health_inference_fps")?.timestamps).toEqual([ts]);
    await writer.close();
  });

  it("writes each served phase green from the controller's events as a phase_green point", async () => {
    const writer = new TimeSeriesWriter(fast(server.url));
    const ts = BASE_TS + 11;
    const hires = (dtMs: number, code: number, param: number) => ({ type: "hires", ts: ts + dtMs, code, param });
    writer.writeEvents("downtown", Events.parse({ ts, seq: 1, intersectionId: "greens-1", events: [hires(0, 1, 2), hires(24_000, 4, 2)] }));
    writer.writeEvents("downtown", Events.parse({ ts: ts + 30_000, seq: 2, intersectionId: "greens-1", events: [hires(24_000, 8, 2), hires(30_000, 1, 4)] }));
    expect(await writer.flush()).toBe(true);
    const series = await pollUntil("the phase green", async () => {
      const found = await exportSeries(server.url, `{__name__=~"phase_green_.*",intersection="greens-1"}`);
      return found.length >= 2 ? found : undefined;
    });
    const green = one(series, "phase_green_green_s");
    expect(green?.metric).toEqual({ __name__: "phase_green_green_s", region: "downtown", intersection: "greens-1", phase: "2" });
    expect(green?.timestamps).toEqual([ts]);
    expect(green?.values).toEqual([24]);
    expect(one(series, "phase_green_termination")?.values).toEqual([4]);
    await writer.close();
  });

  it("rides out an outage: writes never throw or wait, and every point written meanwhile arrives after recovery", async () => {
    const writer = new TimeSeriesWriter(fast(server.url));
    const written: number[] = [];
    const writtenWhileDown: number[] = [];
    let down = false;
    let throws = 0;
    const ticker = setInterval(() => {
      const ts = BASE_TS + 100_000 + written.length * 1000;
      try {
        const result: unknown = writer.writeMeasures("downtown", measures("outage-1", ts));
        if (result !== undefined) throws++; // ingest is synchronous: nothing to await
      } catch {
        throws++;
      }
      written.push(ts);
      if (down) writtenWhileDown.push(ts);
    }, 20);

    try {
      await pollUntil("some points delivered before the outage", () => (writer.stats().writtenLines >= 5 ? true : undefined));
      await server.stop();
      down = true;
      await pollUntil("the writer noticing the outage", () => (writer.stats().serverReachable === false && writtenWhileDown.length >= 20 ? true : undefined));
      const during = writer.stats();
      expect(during.failedAttempts).toBeGreaterThan(0);
      expect(during.bufferedLines).toBeGreaterThan(0);
      expect(during.lastError).toMatch(/ECONN|socket|connect/i);
      await server.start();
      down = false;
      await pollUntil("points written after recovery", () => (written.length >= writtenWhileDown.length + 40 ? true : undefined));
    } finally {
      clearInterval(ticker);
      down = false;
    }

    expect(throws).toBe(0);
    expect(writtenWhileDown.length).toBeGreaterThanOrEqual(20);
    await pollUntil("the buffer drained", async () => ((await writer.flush()) && writer.stats().bufferedLines === 0 ? true : undefined));
    const stats = writer.stats();
    expect(stats).toMatchObject({ droppedLines: 0, writtenLines: written.length, serverReachable: true });

    const arrived = await pollUntil("every point in the export", async () => {
      const timestamps = await countTimestamps(server.url, "outage-1");
      return timestamps.length >= written.length ? timestamps : undefined;
    });
    expect(arrived).toEqual(written);
    for (const ts of writtenWhileDown) expect(arrived).toContain(ts);
    await writer.close();
  });

  it("when its buffer overflows during an outage, drops and counts the oldest and delivers the newest", async () => {
    const writer = new TimeSeriesWriter(fast(server.url, { maxBufferLines: 10, batchSize: 4 }));
    await server.stop();
    try {
      const written: number[] = [];
      for (let i = 0; i < 40; i++) {
        const ts = BASE_TS + 200_000 + i * 1000;
        writer.writeMeasures("downtown", measures("bound-1", ts));
        written.push(ts);
      }
      expect(writer.stats()).toMatchObject({ bufferedLines: 10, droppedLines: 30 });
      await pollUntil("a failed attempt", () => (writer.stats().failedAttempts > 0 ? true : undefined));
      expect(writer.stats()).toMatchObject({ bufferedLines: 10, droppedLines: 30, writtenLines: 0 });
      await server.start();
      await pollUntil("the buffer delivered", () => (writer.stats().writtenLines === 10 ? true : undefined));
      const arrived = await pollUntil("the newest ten in the export", async () => {
        const timestamps = await countTimestamps(server.url, "bound-1");
        return timestamps.length >= 10 ? timestamps : undefined;
      });
      expect(arrived).toEqual(written.slice(-10));
    } finally {
      await server.start();
      await writer.close();
    }
  });
});
