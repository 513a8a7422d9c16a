import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mosquittoBinary, startMosquitto, type ManagedServer } from "../../tests/support/servers.js";
import { Agent } from "./agent.js";
import { exampleCamera, testAgentConfig, Watcher, writeRoadFrames } from "./test-support/agent-rig.js";

// The same agent against a real Mosquitto (anonymous, no ACL): nothing in it depends on the hub's broker.
describe.skipIf(mosquittoBinary.skip)(`a failing camera, on Mosquitto ${mosquittoBinary.reason}`, () => {
  let mosquitto: ManagedServer;
  let dir: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    dir = await mkdtemp(join(tmpdir(), "agent-camera-test-"));
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await mosquitto?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports camera.ok false while its folder is missing, keeps the controller running, and recovers when frames appear", async () => {
    const framesDir = join(dir, "not-there-yet");
    const watcher = await Watcher.open(mosquitto.url, "r1", "cam-1");
    cleanups.push(() => watcher.close());
    const agent = await Agent.start(
      testAgentConfig({
        intersectionId: "cam-1",
        region: "r1",
        brokerUrl: mosquitto.url,
        stateDir: join(dir, "state"),
        framesDir,
        cacheDir: join(dir, "models"),
        camera: await exampleCamera(),
      }),
    );
    cleanups.push(() => agent.stop());

    const failing = await watcher.waitFor("a status naming the missing folder", () =>
      watcher.of("status").find((s) => s.online && s.camera?.ok === false && /not-there-yet does not exist/.test(s.camera.message ?? "")),
    );
    expect(failing.camera!.message!.length).toBeLessThanOrEqual(500);
    await watcher.waitFor("a camera alarm", () => watcher.events().find((e) => e.type === "alarm" && e.alarm === "camera"));

    // The controller does not wait for the camera: it leaves the start-up all-red and cycles.
    await watcher.waitFor("a green signal", () => watcher.of("signal").find((s) => s.groups.ns === "G"));
    const measures = await watcher.waitFor("two measures", () => (watcher.of("measures").length >= 2 ? watcher.of("measures") : undefined));
    expect(measures.every((m) => m.framesProcessed === 0)).toBe(true);

    await writeRoadFrames(framesDir);
    const healthy = await watcher.waitFor("a status with camera.ok true", () => watcher.of("status").find((s) => s.camera?.ok === true), 20_000);
    expect(healthy.camera?.lastFrameTs).toBeGreaterThan(0);
    expect(watcher.invalid).toEqual([]);
  });
});
