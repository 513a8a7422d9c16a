import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../../hub/api/index.js";
import { Hub } from "../../hub/hub.js";
import { atspmConfigOf } from "../../simulators/closed-loop/atspm-detectors.js";
import { runWithEvents } from "../../simulators/closed-loop/atspm-run.js";
import { loadScenario } from "../../simulators/index.js";
import { freePort } from "../support/servers.js";
import { hubSideOf } from "../support/sim-agents.js";
import { artifactsDir, buildDashboard, chromiumBinary, CHROMIUM_ARGS } from "../support/ui-browser.js";

const TOKEN = "viewer-token-0123456789ab";
const REGION = "city";
const ID = "main-2nd";

describe.skipIf(chromiumBinary.skip)(`performance view in a real browser${chromiumBinary.skip ? ` (${chromiumBinary.reason})` : ""}`, () => {
  let hub: Hub;
  let api: FastifyInstance;
  let browser: Browser;
  let ui: { dir: string; dispose: () => Promise<void> };
  let baseUrl: string;
  let eventCount = 0;
  let eventTimes: number[] = [];

  beforeAll(async () => {
    // Twenty simulated minutes of the corridor under the hub's policy, with stop-bar and advance detectors.
    const scenario = await loadScenario("corridor");
    const run = runWithEvents(scenario, "hub", scenario.seed, 1200);
    ui = await buildDashboard();
    const side = hubSideOf(scenario, REGION);
    const apiPort = await freePort();
    hub = await Hub.start({
      broker: { type: "embedded", host: "127.0.0.1", port: 0, devices: side.devices },
      api: { host: "127.0.0.1", port: apiPort, uiDir: ui.dir, tokens: [{ name: "vic", role: "viewer", token: TOKEN }] },
      intersections: side.intersections.map((x) => (x.intersectionId === ID ? { ...x, atspm: atspmConfigOf(run.detectors.get(ID) ?? []) } : x)),
      planning: { clock: "measures", commandAnswerTimeoutMs: 5000 },
      log: { level: "silent" },
    });
    // The events as the agent's messages would bring them (at most 1000 a message).
    const log = run.logs.get(ID)!;
    eventCount = log.length;
    eventTimes = Array.from(log.tsMs);
    for (let i = 0, seq = 1; i < log.length; i += 500, seq++) {
      const events = [];
      for (let k = i; k < Math.min(log.length, i + 500); k++) events.push({ type: "hires" as const, ts: log.tsMs[k]!, code: log.code[k]!, param: log.param[k]! });
      hub.recorder.recordEvents(REGION, { ts: events.at(-1)!.ts, seq, intersectionId: ID, events });
    }
    api = await buildApi(hub);
    await api.listen({ host: "127.0.0.1", port: apiPort });
    baseUrl = `http://127.0.0.1:${apiPort}/`;
    browser = await chromium.launch({ executablePath: chromiumBinary.path, headless: true, args: CHROMIUM_ARGS });
    await mkdir(artifactsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await hub?.stop();
    await ui?.dispose();
  });

  it("draws the coordination diagram, split monitor and termination strip from the intersection's events", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 } });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.fill("#token", TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=me]");
    await page.goto(`${baseUrl}#/intersection/${ID}`);
    await page.click("[data-testid=performance-link]", { timeout: 5000 });
    await page.waitForSelector("[data-testid=performance-view]", { timeout: 5000 });
    // Every chart has points and a drawn canvas.
    for (const chart of ["chart-pcd", "chart-splits", "chart-termination"]) {
      await page.waitForSelector(`[data-testid=${chart}] canvas`, { timeout: 5000 });
      expect(Number(await page.getAttribute(`[data-testid=${chart}]`, "data-points")), chart).toBeGreaterThan(10);
    }
    // The summary has a row per detected phase and approach, with a share of arrivals on green.
    const rows = await page.locator("[data-testid=performance-summary] tbody tr").allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.join(" ")).toMatch(/Φ2E\d+\.\d %/);
    // The default range is the last hour of events held: all of these twenty minutes.
    expect(await page.textContent("[data-testid=range-events]")).toContain(`${eventCount} events`);
    await page.screenshot({ path: join(artifactsDir, "ui-performance.png"), fullPage: true });
    await context.close();
  });

  it("recomputes for the range picked, and exports that range's events in ATSPM's CSV format", async () => {
    // The picker works in the browser's local time: UTC here, so the expected range is exact.
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, timezoneId: "UTC", acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.fill("#token", TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=me]");
    await page.goto(`${baseUrl}#/intersection/${ID}/performance`);
    await page.waitForSelector("[data-testid=range-events]", { timeout: 10_000 });
    // Minutes 5–15 of the twenty simulated (the simulation starts at 07:00 UTC).
    const fromMs = eventTimes[0]! - (eventTimes[0]! % 60_000) + 5 * 60_000;
    const toMs = fromMs + 10 * 60_000;
    const inRange = eventTimes.filter((t) => t >= fromMs && t < toMs).length;
    expect(inRange).toBeGreaterThan(100);
    expect(inRange).toBeLessThan(eventCount);
    const local = (ms: number): string => new Date(ms).toISOString().slice(0, 16);
    await page.fill("[data-testid=range-from]", local(fromMs));
    await page.fill("[data-testid=range-to]", local(toMs));
    await page.click("form.range-picker button[type=submit]");
    await page.waitForFunction((n) => document.querySelector("[data-testid=range-events]")?.textContent?.startsWith(`${n} events`), inRange, { timeout: 10_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Export ATSPM CSV")]);
    const path = await download.path();
    const lines = (await readFile(path, "utf8")).trim().split(/\r?\n/);
    expect(lines[0]).toBe("SignalId,Timestamp,EventCode,EventParam");
    expect(lines).toHaveLength(inRange + 1);
    expect(lines[1]).toMatch(new RegExp(`^${ID},2026-01-05 07:(0[5-9]|1[0-4]):\\d\\d\\.\\d{3},\\d+,\\d+$`));
    await context.close();
  });
});
