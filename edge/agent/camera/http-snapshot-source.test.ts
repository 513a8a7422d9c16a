import type { ServerResponse } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../tests/support/servers.js";
import { HttpSnapshotSource } from "./http-snapshot-source.js";
import { startHttpCamera, type HttpCamera } from "./test-support/http-camera.js";
import { indexOfBytes, makeJpegs, makePng } from "./test-support/jpegs.js";
import { collect, recordingClock, waitFor } from "./test-support/polling.js";

const fastRetry = { backoff: { initialMs: 10, maxMs: 40, jitter: 0 } };

function sendJpeg(res: ServerResponse, jpeg: Buffer): void {
  res.writeHead(200, { "content-type": "image/jpeg", "content-length": jpeg.length });
  res.end(jpeg);
}

describe("HttpSnapshotSource", () => {
  let jpegs: Buffer[];
  const cleanup: Array<() => Promise<void>> = [];
  const camera = async (handler: Parameters<typeof startHttpCamera>[0]): Promise<HttpCamera> => {
    const started = await startHttpCamera(handler);
    cleanup.push(() => started.close());
    return started;
  };
  const stopAfter = (): AbortSignal => {
    const controller = new AbortController();
    cleanup.unshift(async () => controller.abort());
    return controller.signal;
  };

  beforeAll(async () => {
    jpegs = await makeJpegs(4);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  it("polls the snapshot URL and yields each answer's JPEG intact", async () => {
    let served = 0;
    const cam = await camera((_req, res) => sendJpeg(res, jpegs[served++ % jpegs.length]!));
    const source = new HttpSnapshotSource({ url: cam.url("/snapshot.jpg"), fps: 200, timeoutMs: 2000 });
    const indexes: number[] = [];
    for await (const { frame } of source.frames(stopAfter())) {
      indexes.push(indexOfBytes(jpegs, frame));
      if (indexes.length === 6) break;
    }
    expect(indexes).toEqual([0, 1, 2, 3, 0, 1]);
    expect(source.health()).toMatchObject({ ok: true, framesDelivered: 6, errors: 0 });
  });

  it("goes not ok while the camera answers 500 and ok again, frames resuming, when it recovers", async () => {
    let failing = false;
    const cam = await camera((_req, res) => {
      if (failing) res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      else sendJpeg(res, jpegs[0]!);
    });
    const source = new HttpSnapshotSource({ url: cam.url("/snap"), fps: 100, timeoutMs: 2000 }, fastRetry);
    const run = collect(source, stopAfter());
    await waitFor("a first frame", () => run.frames.length >= 1);
    expect(source.health().ok).toBe(true);

    failing = true;
    await waitFor("two failures in a row", () => source.health().consecutiveFailures >= 2);
    const failed = source.health();
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/\/snap: HTTP 500 Internal Server Error \(failing since \d{4}-\d\d-\d\dT[\d:.]+Z, \d+ failures in a row; next try in \d+ ms\)/);
    const framesWhileFailing = run.frames.length;

    failing = false;
    await waitFor("frames to resume", () => run.frames.length >= framesWhileFailing + 2);
    const healthy = source.health();
    expect(healthy).toMatchObject({ ok: true, consecutiveFailures: 0 });
    expect(healthy.message).toBeUndefined();
    expect(healthy.errors).toBeGreaterThanOrEqual(2);
  });

  it("keeps retrying a refused connection with growing delays, without throwing", async () => {
    const port = await freePort(); // nothing listens there
    const clock = recordingClock();
    const source = new HttpSnapshotSource(
      { url: `http://127.0.0.1:${port}/snap`, fps: 5, timeoutMs: 2000 },
      { clock, backoff: { initialMs: 5, maxMs: 40, jitter: 0 } },
    );
    const controller = new AbortController();
    const run = collect(source, controller.signal);
    await waitFor("six failures", () => source.health().consecutiveFailures >= 6);
    expect(source.health()).toMatchObject({ ok: false, framesDelivered: 0, lastFrameTs: null });
    expect(source.health().message).toMatch(/connection refused \(ECONNREFUSED\)/);
    expect(clock.sleeps.slice(0, 6)).toEqual([5, 10, 20, 40, 40, 40]);
    controller.abort();
    await expect(run.done).resolves.toBeUndefined();
  });

  it("gives up on a camera that does not answer within the timeout", async () => {
    const held: ServerResponse[] = [];
    const cam = await camera((_req, res) => held.push(res)); // never answers
    const source = new HttpSnapshotSource({ url: cam.url("/snap"), fps: 5, timeoutMs: 100 }, fastRetry);
    collect(source, stopAfter());
    await waitFor("a timeout", () => source.health().errors >= 1);
    expect(source.health().message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+\/snap within 100 ms/);
  });

  it("ends promptly when aborted while a request hangs", async () => {
    const held: ServerResponse[] = [];
    const cam = await camera((_req, res) => held.push(res));
    const source = new HttpSnapshotSource({ url: cam.url("/snap"), fps: 5, timeoutMs: 60_000 });
    const controller = new AbortController();
    const run = collect(source, controller.signal);
    await waitFor("the request to arrive", () => held.length === 1);
    controller.abort();
    await expect(run.done).resolves.toBeUndefined();
    expect(source.health().errors).toBe(0); // stopping is not a camera failure
  }, 10_000);

  it("rejects answers that are not images", async () => {
    const cam = await camera((req, res) => {
      if (req.url === "/login") res.writeHead(200, { "content-type": "text/html" }).end("<html>log in</html>");
      else res.writeHead(200, { "content-type": "image/jpeg" }).end("definitely not a jpeg");
    });
    const page = new HttpSnapshotSource({ url: cam.url("/login"), fps: 5, timeoutMs: 2000 }, fastRetry);
    const liar = new HttpSnapshotSource({ url: cam.url("/liar"), fps: 5, timeoutMs: 2000 }, fastRetry);
    collect(page, stopAfter());
    collect(liar, stopAfter());
    await waitFor("both failures", () => page.health().errors >= 1 && liar.health().errors >= 1);
    expect(page.health().message).toMatch(/not an image: content-type text\/html, starts "<html>log in<\/ht"/);
    expect(liar.health().message).toMatch(/content-type image\/jpeg but the body is not a JPEG/);
  });

  it("accepts any image/* answer, such as a PNG", async () => {
    const png = await makePng();
    const cam = await camera((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(png));
    const source = new HttpSnapshotSource({ url: cam.url("/snap.png"), fps: 5, timeoutMs: 2000 });
    for await (const { frame } of source.frames(stopAfter())) {
      expect(Buffer.from(frame as Uint8Array).equals(png)).toBe(true);
      break;
    }
  });

  it("sends basic auth from the config or from the URL, and reports a 401 without it", async () => {
    const expected = `Basic ${Buffer.from("cam:s3cret").toString("base64")}`;
    const cam = await camera((req, res) => {
      if (req.headers.authorization === expected) sendJpeg(res, jpegs[1]!);
      else res.writeHead(401, { "www-authenticate": 'Basic realm="cam"' }).end();
    });
    const configured = new HttpSnapshotSource({ url: cam.url("/snap"), fps: 5, timeoutMs: 2000, username: "cam", password: "s3cret" });
    const inUrl = new HttpSnapshotSource({ url: `http://cam:s3cret@127.0.0.1:${cam.port}/snap`, fps: 5, timeoutMs: 2000 });
    for (const source of [configured, inUrl]) {
      for await (const { frame } of source.frames(stopAfter())) {
        expect(indexOfBytes(jpegs, frame)).toBe(1);
        break;
      }
    }
    const anonymous = new HttpSnapshotSource({ url: cam.url("/snap"), fps: 5, timeoutMs: 2000 }, fastRetry);
    const wrong = new HttpSnapshotSource({ url: `http://cam:wrong-pass@127.0.0.1:${cam.port}/snap`, fps: 5, timeoutMs: 2000 }, fastRetry);
    collect(anonymous, stopAfter());
    collect(wrong, stopAfter());
    await waitFor("two 401s", () => anonymous.health().errors >= 1 && wrong.health().errors >= 1);
    expect(anonymous.health().message).toMatch(/HTTP 401 Unauthorized/);
    expect(wrong.health().message).toMatch(/HTTP 401 Unauthorized/);
    expect(wrong.health().message).not.toMatch(/wrong-pass/);
  });
});
