import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Events } from "../../protocol/index.js";
import { victoriaMetricsBinary, type ManagedServer } from "../../tests/support/servers.js";
import { exportSeries, pollUntil, startDedupVictoriaMetrics } from "../../tests/support/victoria-metrics.js";
import { createRecorder } from "./recorder.js";

const BASE_TS = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

describe.skipIf(victoriaMetricsBinary.skip)(`hi-res events to VictoriaMetrics ${victoriaMetricsBinary.reason}`, () => {
  let server: ManagedServer;

  beforeAll(async () => {
    server = await startDedupVictoriaMetrics();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("writes one point per hi-res event at the device's ts, tagged with code and param, and keeps them in memory", async () => {
    const recorder = createRecorder({ timeSeries: { url: server.url, flushIntervalMs: 50, closeTimeoutMs: 2000, textFields: false } });
    const hires = (dtMs: number, code: number, param: number) => ({ type: "hires", ts: BASE_TS + dtMs, code, param });
    // Two phases begin green in the same millisecond, two detectors change together: four points, none overwriting another.
    const first = Events.parse({ ts: BASE_TS, seq: 1, intersectionId: "hires-1", events: [hires(0, 1, 2), hires(0, 1, 6), hires(500, 82, 3), hires(500, 82, 4)] });
    recorder.recordEvents("downtown", first);
    // A QoS 1 redelivery of the same message overwrites instead of adding.
    recorder.recordEvents("downtown", first);
    recorder.recordEvents("downtown", Events.parse({ ts: BASE_TS + 900, seq: 2, intersectionId: "hires-1", events: [hires(900, 81, 3), { type: "alarm", ts: BASE_TS + 900, alarm: "fallback", message: "no plan" }] }));
    expect(await recorder.writer?.flush()).toBe(true);
    const series = await pollUntil("the hi-res points", async () => {
      const found = await exportSeries(server.url, `{__name__="hires_event_param",intersection="hires-1"}`);
      return found.length >= 5 ? found : undefined;
    });
    const points = series
      .flatMap((s) => s.timestamps.map((t, i) => ({ ts: t, code: Number(s.metric.code), param: s.values[i] })))
      .sort((a, b) => a.ts - b.ts || a.code - b.code || a.param - b.param);
    expect(points).toEqual([
      { ts: BASE_TS, code: 1, param: 2 },
      { ts: BASE_TS, code: 1, param: 6 },
      { ts: BASE_TS + 500, code: 82, param: 3 },
      { ts: BASE_TS + 500, code: 82, param: 4 },
      { ts: BASE_TS + 900, code: 81, param: 3 },
    ]);
    expect(series[0]?.metric.region).toBe("downtown");
    const kept = recorder.hiRes.range("hires-1", BASE_TS, BASE_TS + 1000);
    // Memory keeps what arrived (the redelivery too: ingest drops those by seq before they get here).
    expect(Array.from(kept.code)).toEqual([1, 1, 1, 1, 82, 82, 82, 82, 81]);
    await recorder.close();
  });
});
