import { describe, expect, it } from "vitest";
import { cycleRangeS } from "../../protocol/index.js";
import { websterFixedPlan } from "../../hub/control/index.js";
import { loadScenario } from "../traffic/load-scenario.js";
import { plannedTimingOf } from "./planned-timing.js";

describe("the hub's settings for a scenario intersection", () => {
  it("let a lightly loaded light run the shortest cycle its phases allow, not a constant 40 s", async () => {
    const scenario = await loadScenario("grid");
    for (const x of scenario.intersections) {
      const timing = plannedTimingOf(scenario, x);
      const phasesMinS = cycleRangeS(timing.phases).minS;
      expect(timing.minCycleS).toBeLessThanOrEqual(phasesMinS);
      // 100 veh/h per approach: Webster's C0 is far below any phase minimum; the plan's cycle is the phases' own minimum.
      const plan = websterFixedPlan(timing, 100);
      expect(plan.plan.cycleS).toBe(phasesMinS);
      expect(plan.plan.cycleS).toBeLessThan(40);
    }
  });
});
