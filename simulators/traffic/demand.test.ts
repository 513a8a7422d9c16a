import { describe, expect, it } from "vitest";
import { flowAt } from "./demand.js";

describe("flowAt", () => {
  const profile = [
    { tS: 0, vehPerHour: 400 },
    { tS: 1800, vehPerHour: 1000 },
    { tS: 3600, vehPerHour: 400 },
  ];

  it("interpolates linearly between points", () => {
    expect(flowAt(profile, 900)).toBeCloseTo(700);
    expect(flowAt(profile, 1800)).toBe(1000);
    expect(flowAt(profile, 2700)).toBeCloseTo(700);
  });

  it("holds the end values outside the profile", () => {
    expect(flowAt(profile, 5000)).toBe(400);
    expect(flowAt([{ tS: 100, vehPerHour: 250 }], 0)).toBe(250);
  });
});
