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
    const audit = (await (await fetch(`${server.url}/api/audit`, { headers: bearer(TOKENS.admin) })).json()) as { action: string; result: string; role: string; reason?: string }[];
    expect(audit.some((a) => a.action === "command.set-camera" && a.result === "refused" && a.role === "operator")).toBe(true);
    // The schema's refusal is audited too, with the field named.
    expect(audit.some((a) => a.action === "command.set-camera" && a.result === "refused" && a.role === "admin" && /polygon: needs at least 3 points/.test(a.reason ?? ""))).toBe(true);
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

  it("refuses an approach the controller does not serve, with the YAML's message: at the hub (400, audited) and at the agent (rejected ack)", async () => {
    // The hub checks once the agent has published its controller's phases (phase 2 serves N).
    await until("the controller's phases at the hub", async () => ((await (await fetch(`${server.url}/api/intersections/x1`, { headers: bearer(TOKENS.admin) })).json()) as { phases: unknown[] }).phases.length > 0 || undefined);
    const withE: CameraConfig = { ...camera, approaches: [...camera.approaches, { id: "E", zones: [], lines: [{ id: "E-stop", from: [10, 10], to: [200, 10], countDirection: "positive" }] }] };
    const res = await put(TOKENS.admin, withE);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: string[] };
    expect(body.details).toEqual(['body.approaches[1].id: no phase of the controller serves approach "E" (they serve N)']);
    const withoutN: CameraConfig = { ...camera, approaches: [{ ...camera.approaches[0]!, id: "S" }] };
    const gone = (await (await put(TOKENS.admin, withoutN)).json()) as { details: string[] };
    expect(gone.details[0]).toMatch(/^controller\.phases\[\d\]\.approaches\[0\]\.approachId: the camera has no approach "N" \(it has S\)$/);
    const audit = (await (await fetch(`${server.url}/api/audit`, { headers: bearer(TOKENS.admin) })).json()) as { action: string; result: string; reason?: string }[];
    expect(audit.some((a) => a.action === "command.set-camera" && a.result === "refused" && /approach "E"/.test(a.reason ?? ""))).toBe(true);

    // The agent does not rely on the hub: the same check refuses it in its ack, and nothing changes.
    const before = readFileSync(join(dir, "state", "camera.json"), "utf8");
    await agent.applyCamera("local-edit-e", withE);
    const ack = await until("the agent's rejected ack", async () => {
      const detail = (await (await fetch(`${server.url}/api/intersections/x1`, { headers: bearer(TOKENS.admin) })).json()) as { recentEvents: { type: string; commandId?: string; result?: string; reason?: string }[] };
      return detail.recentEvents.find((e) => e.type === "ack" && e.commandId === "local-edit-e");
    });
    expect(ack.result).toBe("rejected");
    expect(ack.reason).toBe('camera.approaches[1].id: no phase of the controller serves approach "E" (they serve N)');
    expect(readFileSync(join(dir, "state", "camera.json"), "utf8")).toBe(before);
  });
});
