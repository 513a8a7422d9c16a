import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { createCameraSource, type CameraFrame, type CameraSource } from "../../edge/agent/index.js";
import { VirtualLoopVehicleCounter } from "../../edge/inference/index.js";
import { renderClip, rtspTools, startRtspServer, type RenderedClip, type RtspServer } from "../support/rtsp.js";

const CLIP_FPS = 25;
const AUTH = { username: "field", password: "s3cret:@/pass" };

/** Counts per approach of every frame `source` yields, until `untilEnded` says the stream is over. */
async function countFrames(
  clip: RenderedClip,
  cacheDir: string,
  source: CameraSource,
  untilEnded: () => boolean,
  asRaw = false,
): Promise<{ counts: Record<string, number>; frames: number }> {
  const counter = await VirtualLoopVehicleCounter.create(clip.camera, 0, { cacheDir, background: clip.background });
  const stop = new AbortController();
  const watch = setInterval(() => untilEnded() && stop.abort(), 20);
  const counts: Record<string, number> = {};
  let frames = 0;
  try {
    const frames$ = asRaw ? decodedToRaw(source.frames(stop.signal)) : source.frames(stop.signal);
    for await (const report of counter.processStream(frames$)) {
      frames++;
      for (const c of report.counts) counts[c.approachId] = (counts[c.approachId] ?? 0) + 1;
    }
  } finally {
    clearInterval(watch);
    await counter.close();
    await source.close();
  }
  return { counts, frames };
}

/**
 * Folder frames decoded to raw RGB, as ffmpeg hands them over: the model then prepares both alike
 * (raw frames are box-averaged, encoded ones resized by sharp), so only the camera path differs.
 */
async function* decodedToRaw(frames: AsyncIterable<CameraFrame>): AsyncGenerator<CameraFrame> {
  for await (const { frame, tMs } of frames) {
    const { data, info } = await sharp(frame as string).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    yield { frame: { data, width: info.width, height: info.height, channels: 3 }, tMs };
  }
}

describe.skipIf(rtspTools.skip)(`an RTSP/H.264 camera through ffmpeg ${rtspTools.reason}`, () => {
  let dir: string;
  let clip: RenderedClip;
  let server: RtspServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rtsp-camera-"));
    // 40 simulated seconds of the single intersection near its peak, with empty road before and after.
    clip = await renderClip(dir, { simulatedS: 40, warmUpS: 1500, fps: CLIP_FPS, leadInFrames: 2 * CLIP_FPS, leadOutFrames: 20 });
    server = await startRtspServer(clip.mp4, AUTH);
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("counts the same vehicles through RTSP (digest auth) as from the same frames in a folder", async () => {
    const size = { width: clip.camera.width, height: clip.camera.height };
    const rtsp = createCameraSource({ type: "rtsp", url: server.streamUrl(), username: AUTH.username, password: AUTH.password, fps: CLIP_FPS }, { frameSize: size });
    // The stream has ended once ffmpeg reports it after delivering frames.
    const viaRtsp = await countFrames(clip, dir, rtsp, () => rtsp.health().framesDelivered > 0 && rtsp.health().consecutiveFailures > 0);
    const folder = createCameraSource({ type: "folder", path: clip.framesDir, fps: 120, loop: false });
    const viaFolder = await countFrames(clip, dir, folder, () => false, true);

    const total = Object.values(viaFolder.counts).reduce((a, b) => a + b, 0);
    console.info(`RTSP: ${viaRtsp.frames} frames, counts ${JSON.stringify(viaRtsp.counts)}; folder: ${viaFolder.frames} frames, counts ${JSON.stringify(viaFolder.counts)}; dropped ${rtsp.health().framesDropped}`);
    expect(viaFolder.frames).toBe(clip.frameCount);
    expect(total).toBeGreaterThan(5);
    // A live stream may lose its first frames (empty road here), never the traffic.
    expect(viaRtsp.frames).toBeGreaterThan(clip.frameCount - 2 * CLIP_FPS);
    expect(viaRtsp.counts).toEqual(viaFolder.counts);
    expect(rtsp.health().message).toMatch(/stream ended/);
  }, 60_000);

  it("reports a wrong password as the camera's 401, without the password", async () => {
    const source = createCameraSource(
      { type: "rtsp", url: server.streamUrl({ username: AUTH.username, password: "wrong-pass" }), fps: 5 },
      { frameSize: { width: 64, height: 36 }, backoff: { initialMs: 10_000 } },
    );
    const stop = new AbortController();
    const run = (async () => {
      for await (const _frame of source.frames(stop.signal)) throw new Error("no frame expected");
    })();
    try {
      const deadline = Date.now() + 15_000;
      while (source.health().errors === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const health = source.health();
      expect(health.ok).toBe(false);
      expect(health.message).toMatch(/401 Unauthorized/);
      expect(health.message).toContain(`rtsp://127.0.0.1:${server.port}/cam`);
      expect(health.message).not.toContain("wrong-pass");
    } finally {
      stop.abort();
      await run;
      await source.close();
    }
  });
});
