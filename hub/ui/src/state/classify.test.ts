import { describe, expect, it } from "vitest";
import { congestionOf, countByMode, healthOf, matchesFilter } from "./classify.js";
import { summary } from "./test-summaries.js";

describe("intersection classification", () => {
  it("ranks an offline agent above the mode it last reported", () => {
    expect(healthOf({ online: false, mode: "adaptive" })).toBe("offline");
    expect(healthOf({ online: true, mode: "flash" })).toBe("flash");
    expect(healthOf({ online: null, mode: null })).toBe("unknown");
  });

  it("bands the degree of saturation at 0.6, 0.85 and 1.0", () => {
    expect([0, 0.59, 0.6, 0.84, 0.85, 0.99, 1, 1.7, null].map(congestionOf)).toEqual(["low", "low", "medium", "medium", "high", "high", "over", "over", "unknown"]);
  });

  it("counts intersections by mode, offline apart, and those with alarms", () => {
    const counts = countByMode([
      summary("a"),
      summary("b", { mode: "fallback", activeAlarms: 1 }),
      summary("c", { online: false, mode: "manual", activeAlarms: 2 }),
      summary("d", { mode: "flash" }),
      summary("e", { mode: "manual" }),
    ]);
    expect(counts).toMatchObject({ adaptive: 1, fallback: 1, manual: 1, flash: 1, offline: 1, alarmed: 2, total: 5 });
  });

  it("filters by mode, by alarm, and by id or name, ignoring case", () => {
    const x = summary("main-1st", { name: "Main St & 1st Ave", mode: "fallback", activeAlarms: 1 });
    expect(matchesFilter(x, { mode: "fallback", search: "" })).toBe(true);
    expect(matchesFilter(x, { mode: "adaptive", search: "" })).toBe(false);
    expect(matchesFilter(x, { mode: "alarm", search: "1ST AVE" })).toBe(true);
    expect(matchesFilter(x, { mode: "all", search: "MAIN-1" })).toBe(true);
    expect(matchesFilter(x, { mode: "all", search: "2nd" })).toBe(false);
    expect(matchesFilter(summary("y"), { mode: "alarm", search: "" })).toBe(false);
  });
});
