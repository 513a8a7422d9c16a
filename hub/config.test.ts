import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ValidationError } from "../protocol/index.js";
import { parseHubConfig } from "./config.js";

const example = async (): Promise<Record<string, unknown>> => parse(await readFile(join(import.meta.dirname, "../examples/hub.yaml"), "utf8")) as Record<string, unknown>;

function problem(value: unknown): string {
  try {
    parseHubConfig(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("the hub's configuration", () => {
  it("accepts the shipped example", async () => {
    expect(parseHubConfig(await example()).intersections).toHaveLength(2);
  });

  it("takes the broker's password checks at once, and names a bad count", async () => {
    const base = await example();
    const broker = base.broker as Record<string, unknown>;
    const config = parseHubConfig({ ...base, broker: { ...broker, maxPasswordChecks: 2 } });
    expect(config.broker.type === "embedded" && config.broker.maxPasswordChecks).toBe(2);
    expect(problem({ ...base, broker: { ...broker, maxPasswordChecks: 0 } })).toMatch(/^hub\.broker\.maxPasswordChecks: /);
  });

  it("refuses an unknown key anywhere, naming it and where it is", async () => {
    const base = (await example()) as { api: object; broker: { devices: object[] }; intersections: { timing: { corridor: object } }[] };
    expect(problem({ ...base, planing: { clock: "wall" } })).toBe('hub: unknown key "planing"');
    expect(problem({ ...base, api: { ...base.api, tokenz: [] } })).toBe('hub.api: unknown key "tokenz"');
    const devices = [{ ...base.broker.devices[0], passwrd: "x" }];
    expect(problem({ ...base, broker: { ...base.broker, devices } })).toBe('hub.broker.devices[0]: unknown key "passwrd"');
    const [first, second] = base.intersections;
    const permissiveLefts = [{ phase: 1, opposing: [{ approachId: "N", opposingApproachId: "S", opposingLanes: 1, lane: 2 }] }];
    expect(problem({ ...base, intersections: [{ ...first, timing: { ...first!.timing, permissiveLefts } }, second] })).toBe(
      'hub.intersections[0].timing.permissiveLefts[0].opposing[0]: unknown key "lane"',
    );
    const corridor = { ...first!.timing.corridor, progresionSpeedKmh: 40 };
    expect(problem({ ...base, intersections: [{ ...first, timing: { ...first!.timing, corridor } }, second] })).toBe('hub.intersections[0].timing.corridor: unknown key "progresionSpeedKmh"');
  });

  it("refuses phases in the hub's timing, saying they are the controller's", async () => {
    const base = (await example()) as { intersections: { timing: object }[] };
    const [first, second] = base.intersections;
    const phases = [{ phase: 2, minGreenS: 10, maxGreenS: 60, yellowS: 4, redClearanceS: 2 }];
    expect(problem({ ...base, intersections: [{ ...first, timing: { ...first!.timing, phases } }, second] })).toMatch(
      /^hub\.intersections\[0\]\.timing\.phases: the controller owns its phases: the hub plans against those in its …\/config message/,
    );
  });

  it("checks the regions rule with the rest, before anything starts", () => {
    expect(problem({ regions: ["north", "+"] })).toMatch(/^hub\.regions: "\+" \(all regions\) must be the only entry/);
  });
});
