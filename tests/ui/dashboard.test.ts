import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../../hub/api/index.js";
import type { HubConfigInput } from "../../hub/config.js";
import { Hub } from "../../hub/hub.js";
import type { SignalState } from "../../protocol/index.js";
import { CameraRenderer, encodeJpeg, loadScenario, type Scenario } from "../../simulators/index.js";
import { freePort } from "../support/servers.js";
import { hubSideOf, startSimAgents, type SimAgent, type SimAgents } from "../support/sim-agents.js";
import { artifactsDir, buildDashboard, chromiumBinary, CHROMIUM_ARGS } from "../support/ui-browser.js";

const OPERATOR_TOKEN = "operator-token-0123456789";
const VIEWER_TOKEN = "viewer-token-0123456789ab";
const REGION = "city";

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function cameraOf(scenario: Scenario, id: string): Promise<{ renderer: CameraRenderer; jpeg: Buffer }> {
  const renderer = new CameraRenderer(scenario, id, { width: 640, height: 360 });
  return { renderer, jpeg: await encodeJpeg(renderer.emptyFrame()) };
}

describe.skipIf(chromiumBinary.skip)(`operator dashboard in a real browser${chromiumBinary.skip ? ` (${chromiumBinary.reason})` : ""}`, () => {
  let config: HubConfigInput;
  let hub: Hub | undefined;
  let api: FastifyInstance | undefined;
  let agents: SimAgents;
  let browser: Browser;
  let ui: { dir: string; dispose: () => Promise<void> };
  let baseUrl: string;
  let ids: string[];
  let camera: { renderer: CameraRenderer; jpeg: Buffer };

  async function startHub(): Promise<void> {
    hub = await Hub.start(config);
    api = await buildApi(hub, { liveIntervalMs: 100 });
    await api.listen({ host: "127.0.0.1", port: config.api!.port! });
    // The simulator offers one intersection's camera: an empty road, with the camera's zones.
    hub.registerCamera(camera.renderer.intersectionId, { camera: camera.renderer.camera, latestJpeg: async () => camera.jpeg });
  }

  async function stopHub(): Promise<void> {
    await api?.close();
    await hub?.stop();
    api = undefined;
    hub = undefined;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(baseUrl);
    await page.fill("#token", token);
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=me]");
  }

  /** Record in the page when each signal chip of the list changes state (page and test share one clock). */
  async function recordSignalChips(page: Page): Promise<void> {
    await page.evaluate(() => {
      const log: [string | null, string | null, string | null, number][] = [];
      (window as unknown as { signalLog: typeof log }).signalLog = log;
      new MutationObserver((mutations) => {
        const t = Date.now();
        const note = (el: Element): void => {
          log.push([el.closest("[data-id]")?.getAttribute("data-id") ?? null, el.getAttribute("data-group"), el.getAttribute("data-state"), t]);
        };
        for (const m of mutations) {
          if (m.type === "attributes") note(m.target as Element);
          // A row heard from for the first time (after a hub restart) gets its chips created, not changed.
          m.addedNodes.forEach((node) => {
            if (!(node instanceof Element)) return;
            if (node.hasAttribute("data-state")) note(node);
            node.querySelectorAll("[data-state]").forEach(note);
          });
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
    });
  }

  /** Wait at the agents for the next change of a vehicle signal group; returns it with when it happened. */
  async function nextAgentChange(): Promise<{ agent: SimAgent; group: string; state: SignalState; atMs: number }> {
    const before = new Map(agents.agents.map((a) => [a.intersectionId, { ...a.controller.state().groups }]));
    let found: { agent: SimAgent; group: string; state: SignalState; atMs: number } | undefined;
    await until(() => {
      for (const a of agents.agents) {
        const now = a.controller.state().groups;
        for (const [group, state] of Object.entries(now)) {
          if (!/^P\d/.test(group) && before.get(a.intersectionId)![group] !== state) {
            found = { agent: a, group, state, atMs: Date.now() };
            return true;
          }
        }
      }
      return false;
    }, "a signal change at an agent", 20_000);
    return found!;
  }

  /** The change shows on the page (the list's chip for that group) no later than two seconds after it happened. */
  async function expectOnPageWithinTwoSeconds(page: Page, change: { agent: SimAgent; group: string; state: SignalState; atMs: number }): Promise<void> {
    const shownAt = async (): Promise<number | null> =>
      page.evaluate(
        ([id, group, state, atMs]) => {
          const log = (window as unknown as { signalLog: [string | null, string | null, string | null, number][] }).signalLog;
          const hit = log.find((e) => e[0] === id && e[1] === group && e[2] === state && e[3] >= atMs);
          return hit ? hit[3] : null;
        },
        [change.agent.intersectionId, change.group, change.state, change.atMs - 20] as const,
      );
    let at: number | null = null;
    while (at === null && Date.now() < change.atMs + 2500) {
      at = await shownAt();
      if (at === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(at, `${change.agent.intersectionId} ${change.group} → ${change.state} on the page`).not.toBeNull();
    expect(at! - change.atMs).toBeLessThanOrEqual(2000);
  }

  beforeAll(async () => {
    const scenario = await loadScenario("corridor");
    ids = scenario.intersections.map((x) => x.id);
    camera = await cameraOf(scenario, ids[1]!);
    ui = await buildDashboard();
    const side = hubSideOf(scenario, REGION);
    const [brokerPort, apiPort] = [await freePort(), await freePort()];
    config = {
      broker: { type: "embedded", host: "127.0.0.1", port: brokerPort, devices: side.devices },
      api: {
        host: "127.0.0.1",
        port: apiPort,
        uiDir: ui.dir,
        tokens: [
          { name: "olga", role: "operator", token: OPERATOR_TOKEN },
          { name: "vic", role: "viewer", token: VIEWER_TOKEN },
        ],
      },
      intersections: side.intersections,
      planning: { clock: "wall", commandAnswerTimeoutMs: 5000 },
      log: { level: "silent" },
    };
    baseUrl = `http://127.0.0.1:${apiPort}/`;
    await startHub();
    agents = await startSimAgents({ brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, region: REGION, intersections: scenario.intersections });
    browser = await chromium.launch({ executablePath: chromiumBinary.path, headless: true, args: CHROMIUM_ARGS });
    await mkdir(artifactsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await agents?.stop();
    await stopHub();
    await ui?.dispose();
  });

  it("lists every intersection and shows a live signal change at an agent within two seconds", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, OPERATOR_TOKEN);
    await expect.poll(() => page.textContent("[data-testid=me]")).toContain("olga");
    for (const id of ids) await page.waitForSelector(`[data-testid=intersection-row][data-id="${id}"]`);
    expect(await page.locator("[data-testid=intersection-row]").count()).toBe(ids.length);
    await expect.poll(() => page.textContent("[data-testid=count-all]")).toContain(String(ids.length));
    await recordSignalChips(page);
    await expectOnPageWithinTwoSeconds(page, await nextAgentChange());
    // Every agent online and heard: a clear picture for the screenshot.
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=intersection-row] [data-state]").length >= n, ids.length);
    await page.screenshot({ path: join(artifactsDir, "ui-city.png") });
    await context.close();
  });

  it("sends an operator's hold to the edge agent, which goes to manual, and shows its acknowledgement", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 2000 } });
    const page = await context.newPage();
    await signIn(page, OPERATOR_TOKEN);
    const id = ids[1]!;
    const agent = agents.agent(id);
    // Keyboard: focus the row, Enter opens it.
    await page.focus(`[data-testid=intersection-row][data-id="${id}"]`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`[data-testid=intersection-view][data-id="${id}"]`);
    await page.waitForSelector("[data-testid=control-panel]");
    await page.selectOption("[data-testid=hold-phase]", "2");
    await page.click("[data-testid=hold]");
    // Escape cancels the confirmation: nothing is sent.
    await page.waitForSelector("[data-testid=confirm-dialog][open]");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=confirm-dialog]", { state: "detached" });
    expect(agent.commandsReceived).toHaveLength(0);
    await page.click("[data-testid=hold]");
    await page.click("[data-testid=confirm]");
    await until(() => agent.controller.state().mode === "manual", "the agent's controller in manual");
    expect(agent.commandsReceived).toHaveLength(1);
    const commandId = agent.commandsReceived[0]!;
    await page.waitForSelector(`[data-command-id="${commandId}"][data-state=accepted], [data-command-id="${commandId}"][data-state=completed]`, { timeout: 10_000 });
    await page.waitForSelector('[data-testid=detail-health]:has-text("manual")', { timeout: 10_000 });
    // The camera frame, with the camera's zones drawn over it.
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>("[data-testid=camera-frame]")?.naturalWidth ?? 0) > 0);
    expect(await page.locator(".camera-overlay polygon").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifactsDir, "ui-intersection.png"), fullPage: true });
    // Resume hands control back.
    await page.click("[data-testid=resume]");
    await page.click("[data-testid=confirm]");
    await until(() => agent.controller.state().mode !== "manual", "the agent leaving manual");
    await context.close();
  });

  it("shows a viewer no control at all, and the API refuses a viewer's forged command", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, VIEWER_TOKEN);
    expect(await page.textContent("[data-testid=me]")).toContain("viewer");
    await page.click(`[data-testid=intersection-row][data-id="${ids[0]}"]`);
    await page.waitForSelector("[data-testid=agent-health]");
    await page.waitForSelector("[data-testid=signal-heads]");
    expect(await page.locator("[data-testid=control-panel]").count()).toBe(0);
    expect(await page.locator("button:has-text('Acknowledge')").count()).toBe(0);
    const status = await page.evaluate(
      async ([id, token]) => {
        const res = await fetch(`/api/intersections/${id}/commands`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ action: "flash" }),
        });
        return res.status;
      },
      [ids[0]!, VIEWER_TOKEN] as const,
    );
    expect(status).toBe(403);
    expect(agents.agent(ids[0]!).commandsReceived).toHaveLength(0);
    await context.close();
  });

  it("survives the hub restarting: shows it is reconnecting, then resynchronises and shows live state again", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, OPERATOR_TOKEN);
    await page.waitForSelector("[data-testid=connection]:has-text('live')");
    await stopHub();
    await page.waitForSelector("[data-testid=reconnecting]", { timeout: 10_000 });
    await page.screenshot({ path: join(artifactsDir, "ui-reconnecting.png") });
    await startHub();
    await page.waitForSelector("[data-testid=reconnecting]", { state: "detached", timeout: 20_000 });
    await page.waitForSelector("[data-testid=connection]:has-text('live')");
    for (const id of ids) await page.waitForSelector(`[data-testid=intersection-row][data-id="${id}"]`);
    // The agents find the restarted broker on their own backoff; once they have, the page is live again.
    await until(() => agents.agents.every((a) => a.link.stats().connected && a.link.stats().pending === 0), "every agent reconnected", 15_000);
    await recordSignalChips(page);
    await expectOnPageWithinTwoSeconds(page, await nextAgentChange());
    await context.close();
  });
});
