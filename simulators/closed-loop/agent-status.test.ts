import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario } from "../traffic/index.js";
import { startHubBridge } from "./hub-bridge.js";
import { runClosedLoop } from "./run.js";

const cacheDir = mkdtempSync(join(tmpdir(), "agent-status-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe("a simulated agent's status (what the dashboard's Agent panel shows)", () => {
  it("reaches the hub with its model, camera, inference rate and software within the first measures interval", async () => {
    const scenario = await loadScenario("single");
    const bridge = await startHubBridge(scenario);
    try {
      await runClosedLoop(scenario, { controller: "hub", durationS: 12, cacheDir }, { hub: bridge });
      const deadline = Date.now() + 10_000;
      const status = () => bridge.hub.store.get("main-oak")?.status ?? null;
      while ((status()?.inferenceFps ?? 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const s = status();
      expect(s?.online).toBe(true);
      expect(s?.version).toBe("simulated");
      expect(s?.model).toMatch(/^virtual-loop/);
      expect(s?.camera?.ok).toBe(true);
      expect(s?.camera?.lastFrameTs).toBeGreaterThan(0);
      expect(s?.inferenceFps).toBeGreaterThan(0);
      expect(s?.mode).toBeDefined();
    } finally {
      await bridge.close();
    }
  }, 60_000);
});
