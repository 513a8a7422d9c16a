import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, AgentConfig } from "../../edge/agent/index.js";
import { exampleCamera, testAgentConfig, writeRoadFrames } from "../../edge/agent/test-support/agent-rig.js";
import { bearer, DEVICE, hubConfig, TOKENS } from "../../hub/api/test-fixtures.js";
import { startHubServer, type RunningHubServer } from "../../hub/server.js";

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the real camera for the operator: agent snapshots through the hub's broker to the dashboard API", () => {
  let server: RunningHubServer;
  let dir: string;
  let agent: Agent;

  beforeAll(async () => {
    server = await startHubServer(hubConfig());
    dir = await mkdtemp(join(tmpdir(), "agent-snapshot-"));
    await writeRoadFrames(join(dir, "frames"));
    const base = testAgentConfig({
      intersectionId: DEVICE.intersectionId,
      region: DEVICE.region,
      brokerUrl: server.hub.brokerUrl,
      username: DEVICE.username,
      password: DEVICE.password,
      stateDir: join(dir, "state"),
      framesDir: join(dir, "frames"),
      cacheDir: join(dir, "models"),
      camera: await exampleCamera(),
    });
    // Periodic snapshots off: the one the hub gets is the one the operator asks for.
    agent = await Agent.start(AgentConfig.parse({ ...base, snapshot: { intervalMs: 0 } }));
  });

  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers an operator's snapshot command with a JPEG under the payload cap, shown with the agent's zones and lines", async () => {
    const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { ...bearer(TOKENS.operator), ...(init.headers ?? {}) } });
    expect((await api("/api/intersections/x1/camera.jpg")).status).toBe(404);
    // Wait for frames to flow, then ask.
    await until("frames counted", async () => (agent.core.framesTotal > 3 ? true : undefined));
    const sent = await api("/api/intersections/x1/commands", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "snapshot" }) });
    expect(sent.status).toBe(202);
    const { commandId } = (await sent.json()) as { commandId: string };

    const jpeg = await until("the snapshot at the hub", async () => {
      const res = await api("/api/intersections/x1/camera.jpg");
      return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : undefined;
    });
    expect(jpeg.length).toBeLessThan(64 * 1024);
    const meta = await sharp(jpeg).metadata();
    expect(meta.format).toBe("jpeg");
    // The example camera is 1280×720: the snapshot is downscaled to 640 wide, aspect kept.
    expect(meta.width).toBe(640);
    expect(meta.height).toBe(360);

    const view = (await (await api("/api/intersections/x1")).json()) as { camera: { available: boolean; zones?: { width: number; approaches: { id: string; zones: { id: string }[] }[] } } };
    expect(view.camera.available).toBe(true);
    expect(view.camera.zones?.width).toBe(1280);
    expect(view.camera.zones?.approaches.flatMap((a) => a.zones.map((z) => z.id))).toEqual((await exampleCamera()).approaches.flatMap((a) => a.zones.map((z) => z.id)));

    const done = await until("the command completed", async () => {
      const list = (await (await api("/api/intersections/x1/commands")).json()) as { commandId: string; state: string }[];
      const c = list.find((x) => x.commandId === commandId);
      return c?.state === "completed" ? c : undefined;
    });
    expect(done.state).toBe("completed");
  });
});
