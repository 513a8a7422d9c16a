import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../edge/agent/index.js";
import { countedOnN, exampleCamera, startRoadAgent, withLoopAt, type RoadAgent } from "../../edge/agent/test-support/agent-rig.js";
import type { CameraConfig } from "../../edge/inference/index.js";
import { bearer, DEVICE, hubConfig, TOKENS } from "../../hub/api/test-fixtures.js";
import { startHubServer, type RunningHubServer } from "../../hub/server.js";
import { until } from "../support/poll.js";

describe("the zone editor's save: an admin's camera configuration reaches the running agent", () => {
  let server: RunningHubServer;
  let rig: RoadAgent;
  let dir: string;
  let agent: Agent;
  let camera: CameraConfig;

  beforeAll(async () => {
    server = await startHubServer(hubConfig());
    camera = await exampleCamera();
    // The loop starts in an empty corner of the road, where the frames' vehicle never goes.
    rig = await startRoadAgent({
      tmpPrefix: "zone-edit-",
      ...DEVICE,
      brokerUrl: server.hub.brokerUrl,
      camera: withLoopAt(camera, [[40, 600], [200, 600], [200, 660], [40, 660]]),
    });
    ({ agent, dir } = rig);
  });

  afterAll(async () => {
    await rig?.dispose();
    await server?.stop();
  });

  const put = (token: string, body: unknown) =>
    fetch(`${server.url}/api/intersections/x1/camera`, { method: "PUT", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify(body) });

  it("refuses a non-admin (audited) and a bad configuration with the field named, as the YAML would", async () => {
    expect((await put(TOKENS.operator, camera)).status).toBe(403);
    const bad = await put(TOKENS.admin, withLoopAt(camera, [[1, 1], [2, 2]]));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/approaches.*zones.*polygon/);
    const audit = (await (await fetch(`${server.url}/api/audit`, { headers: bearer(TOKENS.admin) })).json()) as { action: string; result: string }[];
    expect(audit.some((a) => a.action === "command.set-camera" && a.result === "refused")).toBe(true);
  });

  it("moves the loop onto the vehicles' path: applied without a restart within 2 s, counting starts, saved in the state folder, audited", async () => {
    await until("frames flowing", () => (agent.core.framesTotal > 12 ? true : undefined));
    // Commands are not retained: ask once the hub has heard the agent online (published after it subscribed).
    await until("the agent online at the hub", async () => ((await (await fetch(`${server.url}/api/intersections/x1`, { headers: bearer(TOKENS.admin) })).json()) as { online: boolean | null }).online === true || undefined);
    const before = countedOnN(agent);
    expect(before).toBe(0);
    const sentAt = Date.now();
    const res = await put(TOKENS.admin, camera);
    expect(res.status).toBe(202);
    const { commandId } = (await res.json()) as { commandId: string };
    const completed = await until("the agent's completed ack", async () => {
      const list = (await (await fetch(`${server.url}/api/intersections/x1/commands`, { headers: bearer(TOKENS.admin) })).json()) as { commandId: string; state: string; updatedAtMs: number }[];
      const c = list.find((x) => x.commandId === commandId);
      return c?.state === "completed" ? c : undefined;
    });
    expect(completed.updatedAtMs - sentAt).toBeLessThan(2000);
    await until("a vehicle counted on the moved loop", () => (countedOnN(agent) > 0 ? true : undefined), 5000);
    const saved = JSON.parse(readFileSync(join(dir, "state", "camera.json"), "utf8")) as CameraConfig;
    expect(saved.approaches[0]!.zones.find((z) => z.kind === "loop")!.polygon).toEqual(camera.approaches[0]!.zones.find((z) => z.kind === "loop")!.polygon);
    expect(existsSync(join(dir, "state", "camera.json.tmp"))).toBe(false);
    const audit = (await (await fetch(`${server.url}/api/audit`, { headers: bearer(TOKENS.admin) })).json()) as { action: string; result: string }[];
    expect(audit.some((a) => a.action === "command.set-camera" && a.result === "ok")).toBe(true);
  });
});
