import { describe, expect, it } from "vitest";
import { parseIngestConfig } from "./config.js";
import { ingestFilters } from "./ingest.js";

describe("ingest config", () => {
  it("serves every region by default and follows plans", () => {
    const config = parseIngestConfig({ url: "mqtt://127.0.0.1:1883" });
    expect(config.regions).toEqual(["+"]);
    expect(ingestFilters(config.regions, config.followPlans)).toEqual([
      "traffic/v1/+/+/measures",
      "traffic/v1/+/+/signal",
      "traffic/v1/+/+/events",
      "traffic/v1/+/+/status",
      "traffic/v1/+/+/snapshot",
      "traffic/v1/+/+/config",
      "traffic/v1/+/+/plan",
    ]);
  });

  it("subscribes per region, to the edge kinds only when not following plans", () => {
    expect(ingestFilters(["north", "south"], false)).toHaveLength(12);
    expect(ingestFilters(["north"], false)[0]).toBe("traffic/v1/north/+/measures");
  });

  it("names the bad field", () => {
    expect(() => parseIngestConfig({ url: "http://x" })).toThrow(/^ingest\.url: expected a broker URL/);
    expect(() => parseIngestConfig({ url: "mqtt://x", regions: ["north", "+"] })).toThrow(/^ingest\.regions: "\+" \(all regions\) must be the only entry/);
    expect(() => parseIngestConfig({ url: "mqtt://x", regions: ["no/rth"] })).toThrow(/^ingest\.regions\[0\]/);
  });
});
