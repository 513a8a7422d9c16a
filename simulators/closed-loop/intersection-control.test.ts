import { describe, expect, it } from "vitest";
import { ControllerCore } from "../../edge/agent/controller/index.js";
import { loadScenario } from "../traffic/load-scenario.js";
import { controllerConfigOf } from "./intersection-control.js";
import { mainPhaseOf } from "./intersection-timing.js";

describe("simulated intersections' controller configuration", () => {
  it("runs hub plans coordinated-actuated around Main St's through phase, with each phase's camera zones as detectors", async () => {
    const scenario = await loadScenario("corridor");
    for (const x of scenario.intersections) {
      const config = controllerConfigOf(x, { fallback: "fixed", loopZonesOf: (leg) => [`${leg}-loop`] });
      const main = mainPhaseOf(x);
      expect(main?.movements).toContainEqual({ approach: "W", turn: "through" });
      expect(config.coordination).toEqual({ phase: main?.phase });
      const sideStreet = config.phases.find((p) => p.phase === 4);
      expect(sideStreet?.detectors).toEqual(["N-loop", "S-loop"]);
      expect(() => new ControllerCore(config, 0)).not.toThrow();
    }
  });
});
