import type { ServerResponse } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../tests/support/servers.js";
import { MjpegSource } from "./mjpeg-source.js";
import { startHttpCamera, type HttpCamera } from "./test-support/http-camera.js";
import { indexOfBytes, makeJpegs } from "./test-support/jpegs.js";
import { memoryLogger } from "./test-support/memory-logger.js";
import { mjpegPart, mjpegStream } from "./test-support/mjpeg-bytes.js";
import { collect, recordingClock, virtualClock, waitFor } from "./test-support/polling.js";

const fastRetry = { backoff: { initialMs: 10, maxMs: 40, jitter: 0 } };
const MULTIPART = "multipart/x-mixed-replace; boundary=frame";

/** A camera whose open streams the test writes to by hand. */
async function streamingCamera(contentType = MULTIPART): Promise<HttpCamera & { streams: ServerResponse[]; send(bytes: Buffer): void }> {
  const streams: ServerResponse[] = [];
  const cam = await startHttpCamera((_req, res) => {
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache" });
    res.flushHeaders();
    streams.push(res);
  });
  return Object.assign(cam, {
    streams,
    send: (bytes: Buffer) => {
      for (const res of streams) if (!res.writableEnded && !res.destroyed) res.write(bytes);
    },
  });
}

describe("MjpegSource", () => {
  let jpegs: Buffer[];
  const cleanup: Array<() => Promise<void>> = [];
  const track = <T extends { close(): Promise<void> }>(thing: T): T => {
    cleanup.push(() => thing.close());
    return thing;
  };
  const stopAfter = (): AbortSignal => {
    const controller = new AbortController();
    cleanup.unshift(async () => controller.abort());
    return controller.signal;
  };

  beforeAll(async () => {
    jpegs = await makeJpegs(10);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  for (const contentLength of [true, false]) {
    it(`yields every JPEG intact from parts ${contentLength ? "with" : "without"} Content-Length`, async () => {
      const cam = track(await streamingCamera());
      const source = track(new MjpegSource({ url: cam.url("/video.mjpg"), fps: 1000, timeoutMs: 5000 }));
      const run = collect(source, stopAfter());
      await waitFor("the stream to open", () => cam.streams.length === 1);
      for (let i = 0; i < 5; i++) {
        cam.send(mjpegPart(jpegs[i]!, { contentLength }));
        await waitFor(`frame ${i}`, () => run.frames.length === i + 1);
      }
      expect(run.frames.map((f) => indexOfBytes(jpegs, f.frame))).toEqual([0, 1, 2, 3, 4]);
      expect(source.health()).toMatchObject({ ok: true, framesDelivered: 5, errors: 0 });
    });
  }

  it("yields the newest of a burst and drops the rest", async () => {
    const cam = track(await streamingCamera());
    const source = track(new MjpegSource({ url: cam.url("/video"), fps: 10, timeoutMs: 5000 }));
    const run = collect(source, stopAfter());
    await waitFor("the stream to open", () => cam.streams.length === 1);
    cam.send(mjpegStream(jpegs)); // ten frames in one write
    await waitFor("the last frame of the burst", () => run.frames.some((f) => indexOfBytes(jpegs, f.frame) === 9));
    const indexes = run.frames.map((f) => indexOfBytes(jpegs, f.frame));
    expect(indexes.every((index, i) => i === 0 || index > indexes[i - 1]!)).toBe(true);
    expect(indexes.length).toBeLessThan(10);
  });

  it("yields at most fps frames a second from a faster camera", async () => {
    const cam = track(await streamingCamera());
    const fps = 20;
    // Virtual time: the gaps below are what the source waited, whatever the machine's speed.
    const clock = virtualClock();
    const source = track(new MjpegSource({ url: cam.url("/video"), fps, timeoutMs: 5000 }, { clock }));
    let sent = 0;
    const pump = setInterval(() => cam.send(mjpegPart(jpegs[sent++ % jpegs.length]!)), 2);
    cleanup.push(async () => clearInterval(pump));
    const yieldedAtMs: number[] = [];
    for await (const { frame } of source.frames(stopAfter())) {
      expect(indexOfBytes(jpegs, frame)).toBeGreaterThanOrEqual(0);
      yieldedAtMs.push(clock.now());
      if (yieldedAtMs.length === 6) break;
    }
    expect(yieldedAtMs.slice(1).map((t, i) => t - yieldedAtMs[i]!)).toEqual([50, 50, 50, 50, 50]);
  });

  it("goes not ok while the camera answers 500, then ok with frames once it streams again", async () => {
    let failing = true;
    const streams: ServerResponse[] = [];
    const cam = track(
      await startHttpCamera((_req, res) => {
        if (failing) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { "content-type": MULTIPART });
        res.write(mjpegPart(jpegs[3]!));
        streams.push(res);
      }),
    );
    const source = track(new MjpegSource({ url: cam.url("/video"), fps: 100, timeoutMs: 5000 }, fastRetry));
    const run = collect(source, stopAfter());
    await waitFor("two failures", () => source.health().consecutiveFailures >= 2);
    expect(source.health().ok).toBe(false);
    expect(source.health().message).toMatch(/\/video: HTTP 500 Internal Server Error \(failing since /);
    expect(run.frames).toEqual([]);

    failing = false;
    await waitFor("a frame", () => run.frames.length >= 1);
    expect(indexOfBytes(jpegs, run.frames[0]!.frame)).toBe(3);
    expect(source.health()).toMatchObject({ ok: true, consecutiveFailures: 0, framesDelivered: 1 });
    for (const res of streams) res.end();
  });

  it("keeps retrying a refused connection with growing delays, without throwing", async () => {
    const port = await freePort();
    const clock = recordingClock();
    const source = new MjpegSource(
      { url: `http://127.0.0.1:${port}/video`, fps: 5, timeoutMs: 2000 },
      { clock, backoff: { initialMs: 5, maxMs: 40, jitter: 0 } },
    );
    const controller = new AbortController();
    const run = collect(source, controller.signal);
    await waitFor("six failures", () => source.health().consecutiveFailures >= 6);
    expect(source.health().message).toMatch(/connection refused \(ECONNREFUSED\)/);
    expect(clock.sleeps.slice(0, 6)).toEqual([5, 10, 20, 40, 40, 40]);
    controller.abort();
    await expect(run.done).resolves.toBeUndefined();
  });

  it("reconnects when the stream ends, and when it stalls past the timeout", async () => {
    let connections = 0;
    const cam = track(
      await startHttpCamera((_req, res) => {
        connections++;
        res.writeHead(200, { "content-type": MULTIPART });
        res.write(mjpegPart(jpegs[connections % 10]!));
        if (connections === 1) res.end(); // ends; the second connection stalls instead
      }),
    );
    const { logger, records } = memoryLogger();
    const source = track(new MjpegSource({ url: cam.url("/video"), fps: 100, timeoutMs: 200 }, { ...fastRetry, logger }));
    const run = collect(source, stopAfter());
    // Only a detected end, then a detected stall, lead to the second and third connections.
    await waitFor("frames from three connections", () => run.frames.length >= 3);
    expect(run.frames.slice(0, 3).map((f) => indexOfBytes(jpegs, f.frame))).toEqual([1, 2, 3]);
    const failures = records.filter((r) => r.msg === "camera failed").map((r) => String(r.failure));
    expect(failures[0]).toMatch(/\/video: stream ended$/);
    expect(failures[1]).toMatch(/\/video: no data within 200 ms$/);
  });

  it("reports a stream that never sends a boundary and hangs up instead of buffering it", async () => {
    let hungUp = false;
    let writtenBytes = 0;
    const cam = track(
      await startHttpCamera((_req, res) => {
        res.writeHead(200, { "content-type": MULTIPART });
        res.on("close", () => {
          hungUp = true;
        });
        const chunk = Buffer.alloc(16 * 1024, 0x61);
        const pump = (): void => {
          // At most 64 MiB: far past the cap, so only a client that hangs up stops it early.
          while (!res.destroyed && writtenBytes < 64 * 1024 * 1024) {
            writtenBytes += chunk.length;
            if (!res.write(chunk)) {
              res.once("drain", pump);
              return;
            }
          }
        };
        pump();
      }),
    );
    const source = track(new MjpegSource({ url: cam.url("/video"), fps: 5, timeoutMs: 5000, maxPartBytes: 64 * 1024 }, { backoff: { initialMs: 60_000 } }));
    collect(source, stopAfter());
    await waitFor("the overflow", () => source.health().errors >= 1);
    expect(source.health().message).toMatch(/no multipart boundary in \d+ bytes \(cap 65536 bytes\)/);
    await waitFor("the client to hang up", () => hungUp);
    expect(writtenBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("reports a JPEG part without Content-Length that grows past the cap", async () => {
    const cam = track(await streamingCamera());
    const source = track(new MjpegSource({ url: cam.url("/video"), fps: 5, timeoutMs: 5000, maxPartBytes: 32 * 1024 }, { backoff: { initialMs: 60_000 } }));
    collect(source, stopAfter());
    await waitFor("the stream to open", () => cam.streams.length === 1);
    const cut = mjpegPart(jpegs[0]!.subarray(0, jpegs[0]!.length - 50), { contentLength: false }).subarray(0, -2);
    cam.send(cut);
    for (let i = 0; i < 8; i++) cam.send(Buffer.alloc(8 * 1024, 0x11));
    await waitFor("the overflow", () => source.health().errors >= 1);
    expect(source.health().message).toMatch(/part larger than the cap of 32768 bytes/);
  });

  it("reports a page that is not an MJPEG stream", async () => {
    const cam = track(await startHttpCamera((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>login</html>")));
    const source = track(new MjpegSource({ url: cam.url("/video"), fps: 5, timeoutMs: 5000 }, fastRetry));
    collect(source, stopAfter());
    await waitFor("a failure", () => source.health().errors >= 1);
    expect(source.health().message).toMatch(/not an MJPEG stream: content-type text\/html/);
  });

  it("ends the iteration and hangs up when closed", async () => {
    const cam = track(await streamingCamera());
    const source = new MjpegSource({ url: cam.url("/video"), fps: 100, timeoutMs: 5000 });
    const run = collect(source, new AbortController().signal);
    await waitFor("the stream to open", () => cam.streams.length === 1);
    cam.send(mjpegPart(jpegs[0]!));
    await waitFor("a frame", () => run.frames.length === 1);
    await source.close();
    await expect(run.done).resolves.toBeUndefined();
    await waitFor("the connection to close", () => cam.closedConnections >= 1);
  });
});
