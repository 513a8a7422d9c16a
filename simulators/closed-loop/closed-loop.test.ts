import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../traffic/load-scenario.js";
import { startHubBridge } from "./hub-bridge.js";
import { countConflicts, runClosedLoop } from "./run.js";

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "closed-loop-"));
});
afterAll(async () => rm(cacheDir, { recursive: true, force: true }));

describe("closed loop: simulated city, real edge agents, rendered frames", () => {
  it("counts an hour of corridor traffic from camera frames alone within 5 % of the truth, with no conflicting greens", async () => {
    const scenario = await loadScenario("corridor");
    const result = await runClosedLoop(scenario, { controller: "fixed", durationS: 3600, cacheDir });
    expect(result.framesProcessed).toBe(3600 * 5 * 5);
    expect(result.vehiclesEntered).toBeGreaterThan(3000);
    expect(result.countAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.conflictViolations).toBe(0);
  }, 900_000);

  it("closes the loop through a real hub over MQTT: agents adopt the hub's plans and stay safe", async () => {
    const scenario = await loadScenario("single");
    const bridge = await startHubBridge(scenario);
    try {
      const result = await runClosedLoop(scenario, { controller: "hub", durationS: 600, cacheDir }, { hub: bridge });
      expect(result.conflictViolations).toBe(0);
      const state = bridge.hub.store.get("main-oak");
      // The hub planned from the agent's measures, and the controller is running its plan.
      expect(bridge.hub.metrics().plansPublished).toBeGreaterThan(0);
      expect(state?.signal?.mode).toBe("adaptive");
      expect(state?.signal?.planId).toBe(state?.plan?.planId);
      expect(state?.plan?.reason).toMatch(/Webster/);
      expect(bridge.hub.metrics().ingest.rejects.invalid).toBe(0);
    } finally {
      await bridge.close();
    }
  }, 300_000);

  it("runs actuated agents from their own loop detections without conflicts", async () => {
    const scenario = await loadScenario("single");
    const result = await runClosedLoop(scenario, { controller: "actuated", durationS: 600, cacheDir });
    expect(result.conflictViolations).toBe(0);
    expect(result.throughputVeh).toBeGreaterThan(150);
  }, 300_000);
});

describe("the independent conflict observer", () => {
  it("counts every conflicting pair that shows right of way together", () => {
    const conflicts: [string, string][] = [
      ["N-through", "E-through"],
      ["N-through", "W-through"],
    ];
    expect(countConflicts({ "N-through": "G", "E-through": "R", "W-through": "R" }, conflicts)).toBe(0);
    expect(countConflicts({ "N-through": "Y", "E-through": "G", "W-through": "R" }, conflicts)).toBe(1);
    expect(countConflicts({ "N-through": "G", "E-through": "G", "W-through": "Y" }, conflicts)).toBe(2);
    expect(countConflicts({ "N-through": "FR", "E-through": "FR", "W-through": "FR" }, conflicts)).toBe(0);
  });
});
