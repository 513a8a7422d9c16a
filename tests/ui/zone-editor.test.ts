import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../edge/agent/index.js";
import { countedOnN, exampleCamera, startRoadAgent, withLoopAt, type RoadAgent } from "../../edge/agent/test-support/agent-rig.js";
import type { CameraConfig } from "../../edge/inference/index.js";
import { DEVICE, hubConfig, TOKENS } from "../../hub/api/test-fixtures.js";
import { startHubServer, type RunningHubServer } from "../../hub/server.js";
import { buildDashboard, chromiumBinary, CHROMIUM_ARGS } from "../support/ui-browser.js";

const CORNER: [number, number][] = [[40, 600], [200, 600], [200, 660], [40, 660]];

describe.skipIf(chromiumBinary.skip)(`the zone editor in a real browser${chromiumBinary.skip ? ` (${chromiumBinary.reason})` : ""}`, () => {
  let server: RunningHubServer;
  let ui: { dir: string; dispose: () => Promise<void> };
  let rig: RoadAgent;
  let dir: string;
  let agent: Agent;
  let browser: Browser;
  let camera: CameraConfig;

  beforeAll(async () => {
    ui = await buildDashboard();
    const config = hubConfig();
    server = await startHubServer({ ...config, api: { ...config.api, uiDir: ui.dir } });
    camera = await exampleCamera();
    // The stop-line loop starts in an empty corner, where the frames' vehicle never goes.
    rig = await startRoadAgent({
      tmpPrefix: "zone-editor-ui-",
      ...DEVICE,
      brokerUrl: server.hub.brokerUrl,
      camera: withLoopAt(camera, CORNER),
      overrides: { snapshot: { intervalMs: 2000 } },
    });
    ({ agent, dir } = rig);
    browser = await chromium.launch({ executablePath: chromiumBinary.path, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.dispose();
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
});
