import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../edge/agent/index.js";
import { countedOnN, exampleCamera, startRoadAgent, withLoopAt, type RoadAgent } from "../../edge/agent/test-support/agent-rig.js";
import type { CameraConfig } from "../../edge/inference/index.js";
import { bearer, DEVICE, hubConfig, TOKENS } from "../../hub/api/test-fixtures.js";
import { startHubServer, type RunningHubServer } from "../../hub/server.js";
import { until } from "../support/poll.js";
import { artifactsDir, buildDashboard, chromiumBinary, CHROMIUM_ARGS } from "../support/ui-browser.js";

const CORNER: [number, number][] = [[40, 600], [200, 600], [200, 660], [40, 660]];
/** A second device, for the drawing tests on intersection x2 (configured by `hubConfig`). */
const DEVICE2 = { username: "dev-x2", password: "device-secret-2", intersectionId: "x2", region: "north" } as const;
type Pt = [number, number];

describe.skipIf(chromiumBinary.skip)(`the zone editor in a real browser${chromiumBinary.skip ? ` (${chromiumBinary.reason})` : ""}`, () => {
  let server: RunningHubServer;
  let ui: { dir: string; dispose: () => Promise<void> };
  let rig: RoadAgent;
  let rig2: RoadAgent;
  let dir: string;
  let agent: Agent;
  let browser: Browser;
  let camera: CameraConfig;

  beforeAll(async () => {
    ui = await buildDashboard();
    const config = hubConfig();
    server = await startHubServer({ ...config, api: { ...config.api, uiDir: ui.dir }, broker: { type: "embedded", port: 0, devices: [{ ...DEVICE }, { ...DEVICE2 }] } });
    camera = await exampleCamera();
    // The stop-line loop starts in an empty corner, where the frames' vehicle never goes.
    const road = (device: typeof DEVICE | typeof DEVICE2, tmpPrefix: string) =>
      startRoadAgent({ tmpPrefix, ...device, brokerUrl: server.hub.brokerUrl, camera: withLoopAt(camera, CORNER), overrides: { snapshot: { intervalMs: 2000 } } });
    [rig, rig2] = await Promise.all([road(DEVICE, "zone-editor-ui-"), road(DEVICE2, "zone-draw-ui-")]);
    ({ agent, dir } = rig);
    browser = await chromium.launch({ executablePath: chromiumBinary.path, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.dispose();
    await rig2?.dispose();
    await server?.stop();
    await ui?.dispose();
  });

  it("an admin drags the loop onto the road on the agent's real frame, saves, and the running agent counts with it", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(server.url);
    await page.fill("#token", TOKENS.admin);
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=me]");
    await page.goto(`${server.url}/#/intersection/x1`);
    // The agent's snapshot, with its zones drawn over it.
    await page.waitForSelector("[data-testid=camera-frame]", { timeout: 20_000 });
    await page.waitForSelector("[data-testid=zone-N-stopbar]");
    expect(countedOnN(agent)).toBe(0);

    await page.click("[data-testid=edit-zones]");
    const box = (await page.locator(".camera-overlay").boundingBox())!;
    const toScreen = ([x, y]: [number, number]) => ({ x: box.x + (x / camera.width) * box.width, y: box.y + (y / camera.height) * box.height });
    const from = toScreen([120, 630]);
    const to = toScreen([640, 450]);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await page.click("[data-testid=save-zones]");
    await page.waitForSelector("[data-testid=zone-note]:has-text('Applied by the agent')", { timeout: 10_000 });

    const saved = (JSON.parse(readFileSync(join(dir, "state", "camera.json"), "utf8")) as CameraConfig).approaches[0]!.zones.find((z) => z.kind === "loop")!;
    // Moved by (520, -180) image pixels, give or take a pixel of the screen's rounding.
    for (const [i, [x, y]] of saved.polygon.entries()) {
      expect(Math.abs(x - (CORNER[i]![0] + 520))).toBeLessThanOrEqual(3);
      expect(Math.abs(y - (CORNER[i]![1] - 180))).toBeLessThanOrEqual(3);
    }
    const deadline = Date.now() + 5000;
    while (countedOnN(agent) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(countedOnN(agent)).toBeGreaterThan(0);
    await page.close();
  }, 60_000);

  /** Signed in as the admin on x2's intersection view, its agent's frame shown, the editor open; points given in image pixels. */
  async function openEditorOnX2() {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(server.url);
    await page.fill("#token", TOKENS.admin);
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=me]");
    await page.goto(`${server.url}/#/intersection/x2`);
    await page.waitForSelector("[data-testid=camera-frame]", { timeout: 20_000 });
    await page.waitForSelector("[data-testid=zone-N-stopbar]");
    await page.click("[data-testid=edit-zones]");
    const box = (await page.locator(".camera-overlay").boundingBox())!;
    const toScreen = ([x, y]: Pt) => ({ x: box.x + (x / camera.width) * box.width, y: box.y + (y / camera.height) * box.height });
    const click = async (p: Pt) => {
      const at = toScreen(p);
      await page.mouse.click(at.x, at.y);
    };
    return { page, toScreen, click };
  }

  const savedCameraOf = (r: RoadAgent) => JSON.parse(readFileSync(join(r.dir, "state", "camera.json"), "utf8")) as CameraConfig;
  const near = (actual: readonly number[][], expected: readonly number[][]) => {
    expect(actual).toHaveLength(expected.length);
    actual.forEach(([x, y], i) => {
      expect(Math.abs(x! - expected[i]![0]!), `point ${i} x`).toBeLessThanOrEqual(3);
      expect(Math.abs(y! - expected[i]![1]!), `point ${i} y`).toBeLessThanOrEqual(3);
    });
  };

  it("a self-crossing zone drawn and saved shows the schema's error naming the field; Revert drops the unsaved drawing", async () => {
    const { page, click } = await openEditorOnX2();
    await page.click("[data-testid=tool-zone]");
    for (const p of [[100, 100], [400, 300], [400, 100], [100, 250]] as Pt[]) await click(p);
    await page.click("[data-testid=close-zone]");
    await page.waitForSelector("[data-testid=zone-N-loop]");
    await page.click("[data-testid=save-zones]");
    const note = page.locator("[data-testid=zone-note]");
    await note.filter({ hasText: "Not saved" }).waitFor();
    expect(await note.locator("li").allTextContents()).toEqual(["body.approaches[0].zones[2].polygon: edges 0 and 2 cross each other; list the points in order around the zone"]);
    // Still editing, so it can be fixed; Revert goes back to what the agent has.
    await page.click("[data-testid=revert-zones]");
    expect(await page.locator("[data-testid=zone-N-loop]").count()).toBe(0);
    expect(await page.locator("[data-testid=zone-N-queue]").count()).toBe(1);
    // Nothing reached the agent.
    expect(existsSync(join(rig2.dir, "state", "camera.json"))).toBe(false);
    await page.close();
  }, 60_000);

  it("an admin deletes a zone, draws a new loop and a counting line, deletes and inserts corners, saves, and the running agent counts with the drawing", async () => {
    expect(countedOnN(rig2.agent)).toBe(0);
    const { page, toScreen, click } = await openEditorOnX2();
    // Delete the queue zone: select it, then Delete.
    await click([640, 200]);
    await page.waitForSelector("[data-testid=selected-item]");
    expect(await page.inputValue("[data-testid=selected-id]")).toBe("N-queue");
    await page.click("[data-testid=delete-selected]");
    expect(await page.locator("[data-testid=zone-N-queue]").count()).toBe(0);

    // Draw a loop over the road with a stray fourth corner, closed on its first corner.
    await page.click("[data-testid=tool-zone]");
    await page.selectOption("[data-testid=new-approach]", "N");
    await page.selectOption("[data-testid=new-zone-kind]", "loop");
    for (const p of [[470, 430], [810, 430], [815, 470], [640, 520], [465, 470], [470, 430]] as Pt[]) await click(p);
    await page.waitForSelector("[data-testid=zone-N-loop]");
    // The stray corner deleted, then a corner dragged out of the top edge's middle.
    await page.click("[data-testid=handle-N-loop-3]");
    await page.click("[data-testid=delete-vertex]");
    const plus = (await page.locator("[data-testid=insert-N-loop-0] circle").boundingBox())!;
    const up = toScreen([640, 420]);
    await page.mouse.move(plus.x + plus.width / 2, plus.y + plus.height / 2);
    await page.mouse.down();
    await page.mouse.move(up.x, up.y, { steps: 4 });
    await page.mouse.up();

    // A counting line, both directions.
    await page.click("[data-testid=tool-line]");
    await page.selectOption("[data-testid=new-line-direction]", "both");
    await click([460, 490]);
    await click([820, 490]);
    await page.waitForSelector("[data-testid=line-N-line]", { state: "attached" });
    await page.screenshot({ path: join(artifactsDir, "ui-zone-editor.png"), fullPage: true });

    await page.click("[data-testid=save-zones]");
    await page.waitForSelector("[data-testid=zone-note]:has-text('Applied by the agent')", { timeout: 10_000 });

    const saved = savedCameraOf(rig2);
    const n = saved.approaches.find((a) => a.id === "N")!;
    expect(n.zones.map((z) => z.id)).toEqual(["N-stopbar", "N-loop"]);
    const drawn = n.zones[1]!;
    expect(drawn.kind).toBe("loop");
    near(drawn.polygon, [[470, 430], [640, 420], [810, 430], [815, 470], [465, 470]]);
    const line = n.lines.find((l) => l.id === "N-line")!;
    expect(line.countDirection).toBe("both");
    near([line.from, line.to], [[460, 490], [820, 490]]);
    // The stop-bar loop is still in the empty corner: only the drawn loop can count.
    near(n.zones[0]!.polygon, CORNER);
    const deadline = Date.now() + 5000;
    while (countedOnN(rig2.agent) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(countedOnN(rig2.agent)).toBeGreaterThan(0);
    // Its hi-res detector events carry its channel: its place among the zones now (2), not a stale number.
    const detectorOn = await until("a detector-on event of the drawn loop at the hub", async () => {
      const detail = (await (await fetch(`${server.url}/api/intersections/x2`, { headers: bearer(TOKENS.admin) })).json()) as { recentEvents: { type: string; code?: number; param?: number }[] };
      return detail.recentEvents.find((e) => e.type === "hires" && e.code === 82 && e.param !== 1) ?? undefined;
    });
    expect(detectorOn.param).toBe(2);
    await page.close();
  }, 60_000);
});
