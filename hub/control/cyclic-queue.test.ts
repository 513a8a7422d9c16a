import { describe, expect, it } from "vitest";
import { cyclicQueueVeh, residualQueueVeh, uniformDelayS } from "./cyclic-queue.js";

describe("the queue a signal makes by itself", () => {
  it("is Webster's uniform delay times the flow (Little's law)", () => {
    // C = 60 s, half green, y = 0.25: d1 = 60 × 0.25 / (2 × 0.75) = 10 s; 900 veh/h → 2.5 veh.
    expect(uniformDelayS(60, 0.5, 0.25)).toBeCloseTo(10, 10);
    expect(cyclicQueueVeh(900, 60, 0.5, 0.25)).toBeCloseTo(2.5, 10);
  });

  it("grows with the cycle and the red, and is zero with no red", () => {
    expect(cyclicQueueVeh(600, 120, 0.5, 0.2)).toBeGreaterThan(cyclicQueueVeh(600, 60, 0.5, 0.2));
    expect(cyclicQueueVeh(600, 60, 0.3, 0.2)).toBeGreaterThan(cyclicQueueVeh(600, 60, 0.5, 0.2));
    expect(cyclicQueueVeh(600, 60, 1, 0.2)).toBe(0);
  });

  it("caps the flow ratio at the green ratio (a saturated approach), so it stays finite", () => {
    expect(Number.isFinite(uniformDelayS(90, 0.4, 1.5))).toBe(true);
    expect(uniformDelayS(90, 0.4, 1.5)).toBeCloseTo((90 * 0.36) / (2 * 0.6), 10);
  });

  it("leaves as residual only the measured queue above it, never below zero", () => {
    const cyclic = cyclicQueueVeh(900, 60, 0.5, 0.25);
    expect(residualQueueVeh(10, 900, 60, 0.5, 0.25)).toBeCloseTo(10 - cyclic, 10);
    expect(residualQueueVeh(1, 900, 60, 0.5, 0.25)).toBe(0);
  });
});
