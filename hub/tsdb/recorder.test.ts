import { describe, expect, it } from "vitest";
import { Measures, Status } from "../../protocol/index.js";
import { freePort } from "../../tests/support/servers.js";
import { NO_SERVER_MESSAGE, createRecorder } from "./index.js";

const TS = 1_790_000_000_000;
const measures = Measures.parse({
  ts: TS,
  seq: 1,
  intersectionId: "a",
  intervalMs: 5000,
  modelId: "virtual-loop",
  framesProcessed: 50,
  approaches: [{ approachId: "north", count: 2, queue: 1, occupancy: 0.2 }],
});

describe("createRecorder", () => {
  it("without a time-series server keeps history in memory and says so", async () => {
    const recorder = createRecorder();
    expect(recorder.writer).toBeNull();
    expect(recorder.startMessage).toBe(NO_SERVER_MESSAGE);
    expect(recorder.startMessage).toBe("no time-series server configured: keeping recent history in memory only");
    recorder.recordMeasures("r", measures);
    recorder.recordStatus("r", Status.parse({ ts: TS, seq: 2, intersectionId: "a", online: true }));
    expect(recorder.history.measuresSince("a", 0).map((s) => s.count)).toEqual([2]);
    expect(recorder.stats()).toBeNull();
    await recorder.close();
  });

  it("with a server records to both memory and the writer, and names the server without its credentials", async () => {
    const port = await freePort();
    const recorder = createRecorder({ timeSeries: { url: `http://hub:secret@127.0.0.1:${port}`, closeTimeoutMs: 200 }, history: { measuresPerApproach: 10 } });
    expect(recorder.writer).not.toBeNull();
    expect(recorder.startMessage).toContain(`http://127.0.0.1:${port}/`);
    expect(recorder.startMessage).not.toContain("secret");
    expect(recorder.history.options.measuresPerApproach).toBe(10);
    recorder.recordMeasures("r", measures);
    expect(recorder.history.measuresSince("a", 0)).toHaveLength(1);
    expect(recorder.stats()?.bufferedLines).toBe(1);
    await recorder.close();
    expect(recorder.stats()).toMatchObject({ bufferedLines: 0, droppedLines: 1 });
  });

  it("refuses a bad configuration naming the field", () => {
    expect(() => createRecorder({ timeSeries: { url: "not a url" } })).toThrow(/^recorder\.timeSeries\.url: /);
    expect(() => createRecorder({ history: { measuresPerApproach: 0 } })).toThrow(/recorder\.history\.measuresPerApproach/);
  });
});
