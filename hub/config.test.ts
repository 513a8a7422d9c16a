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

  it("refuses an unknown key anywhere, naming it and where it is", async () => {
    const base = (await example()) as { api: object; broker: { devices: object[] }; intersections: { timing: { phases: object[]; corridor: object } }[] };
    expect(problem({ ...base, planing: { clock: "wall" } })).toBe('hub: unknown key "planing"');
    expect(problem({ ...base, api: { ...base.api, tokenz: [] } })).toBe('hub.api: unknown key "tokenz"');
    const devices = [{ ...base.broker.devices[0], passwrd: "x" }];
    expect(problem({ ...base, broker: { ...base.broker, devices } })).toBe('hub.broker.devices[0]: unknown key "passwrd"');
    const [first, second] = base.intersections;
    const phases = first!.timing.phases.map((p, i) => (i === 1 ? { ...p, permisive: { opposing: [] } } : p));
    expect(problem({ ...base, intersections: [{ ...first, timing: { ...first!.timing, phases } }, second] })).toBe('hub.intersections[0].timing.phases[1]: unknown key "permisive"');
    const corridor = { ...first!.timing.corridor, progresionSpeedKmh: 40 };
    expect(problem({ ...base, intersections: [{ ...first, timing: { ...first!.timing, corridor } }, second] })).toBe('hub.intersections[0].timing.corridor: unknown key "progresionSpeedKmh"');
  });

  it("checks the regions rule with the rest, before anything starts", () => {
    expect(problem({ regions: ["north", "+"] })).toMatch(/^hub\.regions: "\+" \(all regions\) must be the only entry/);
  });
});
