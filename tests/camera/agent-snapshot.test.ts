import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../edge/agent/index.js";
import { exampleCamera, startRoadAgent, type RoadAgent } from "../../edge/agent/test-support/agent-rig.js";
import { bearer, DEVICE, hubConfig, TOKENS } from "../../hub/api/test-fixtures.js";
import { startHubServer, type RunningHubServer } from "../../hub/server.js";
import { until } from "../support/poll.js";

describe("the real camera for the operator: agent snapshots through the hub's broker to the dashboard API", () => {
  let server: RunningHubServer;
  let rig: RoadAgent;
  let agent: Agent;

  beforeAll(async () => {
    server = await startHubServer(hubConfig());
    rig = await startRoadAgent({
      tmpPrefix: "agent-snapshot-",
      ...DEVICE,
      brokerUrl: server.hub.brokerUrl,
      // Periodic snapshots off: the one the hub gets is the one the operator asks for.
      overrides: { snapshot: { intervalMs: 0 } },
    });
    agent = rig.agent;
  });

  afterAll(async () => {
    await rig?.dispose();
    await server?.stop();
  });

  it("answers an operator's snapshot command with a JPEG under the payload cap, shown with the agent's zones and lines", async () => {
    const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { ...bearer(TOKENS.operator), ...(init.headers ?? {}) } });
    expect((await api("/api/intersections/x1/camera.jpg")).status).toBe(404);
    // Wait for frames to flow and for the hub to hear the agent online (its link publishes that
    // status after subscribing to its commands, on the same connection), then ask.
    await until("frames counted", async () => (agent.core.framesTotal > 3 ? true : undefined));
    await until("the agent online at the hub", async () => ((await (await api("/api/intersections/x1")).json()) as { online: boolean | null }).online === true || undefined);
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
