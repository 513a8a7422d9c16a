import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, AgentConfig, parseCameraSourceConfig } from "../../edge/agent/index.js";
import { testAgentConfig, twoPhaseController, Watcher } from "../../edge/agent/test-support/agent-rig.js";
import { renderClip, rtspTools, startRtspServer, type RtspServer } from "../support/rtsp.js";
import { mosquittoBinary, startMosquitto, type ManagedServer } from "../support/servers.js";

const skip = rtspTools.skip || mosquittoBinary.skip;

describe.skipIf(skip)(`an agent on an RTSP camera whose server restarts ${rtspTools.reason} ${mosquittoBinary.reason}`, () => {
  let dir: string;
  let mosquitto: ManagedServer;
  let rtsp: RtspServer;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rtsp-agent-"));
    mosquitto = await startMosquitto();
  }, 60_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await rtsp?.dispose();
    await mosquitto?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("raises a camera alarm when the stream stops, and is counting again within 10 s of the server's return, alarm cleared", async () => {
    // 10 simulated seconds at 10 fps, looped ten times: a stream that outlasts the test.
    const clip = await renderClip(dir, { simulatedS: 10, fps: 10, repeat: 10 });
    rtsp = await startRtspServer(clip.mp4);
    const base = testAgentConfig({
      intersectionId: "rtsp-1",
      region: "r1",
      brokerUrl: mosquitto.url,
      stateDir: join(dir, "state"),
      framesDir: join(dir, "unused"),
      cacheDir: join(dir, "models"),
      camera: clip.camera,
      controller: twoPhaseController({
        phases: [
          { phase: 2, groups: ["ns"], minGreenS: 5, maxGreenS: 30, yellowS: 3, redClearanceS: 1 },
          { phase: 4, groups: ["ew"], minGreenS: 5, maxGreenS: 30, yellowS: 3, redClearanceS: 1 },
        ],
      }),
    });
    const config = AgentConfig.parse({ ...base, camera: { ...base.camera, source: parseCameraSourceConfig({ type: "rtsp", url: rtsp.streamUrl(), fps: 10 }) } });
    const watcher = await Watcher.open(mosquitto.url, "r1", "rtsp-1");
    cleanups.push(() => watcher.close());
    const agent = await Agent.start(config);
    cleanups.push(() => agent.stop());

    const counting = await watcher.waitFor("measures of counted frames", () => watcher.of("measures").find((m) => m.framesProcessed > 5), 20_000);
    expect(counting.framesProcessed).toBeGreaterThan(5);
    const flowing = await watcher.waitFor("a status with the camera's fps", () => watcher.of("status").find((s) => s.camera?.ok && (s.camera.fps ?? 0) > 5));
    expect(flowing.camera?.fps).toBeLessThanOrEqual(11);

    await rtsp.stop();
    const alarm = await watcher.waitFor("a camera alarm", () => watcher.events().find((e) => e.type === "alarm" && e.alarm === "camera" && /failing/.test(e.message)));
    expect(alarm.type === "alarm" && alarm.message).toMatch(/rtsp:\/\/127\.0\.0\.1:\d+\/cam/);
    await watcher.waitFor("a status with camera.ok false", () => watcher.of("status").find((s) => s.ts >= alarm.ts && s.camera?.ok === false));

    const backMs = Date.now();
    await rtsp.start();
    const cleared = await watcher.waitFor(
      "the camera alarm cleared",
      () => watcher.events().find((e) => e.type === "alarm" && e.alarm === "camera" && /recovered/.test(e.message)),
      10_000,
    );
    expect(cleared.ts - backMs).toBeLessThan(10_000);
    const seen = watcher.of("measures").length;
    const again = await watcher.waitFor("measures of counted frames after the return", () => watcher.of("measures").slice(seen).find((m) => m.framesProcessed > 0), 10_000);
    expect(again.ts - backMs).toBeLessThan(10_000);
    expect(watcher.invalid).toEqual([]);
  }, 90_000);
});
