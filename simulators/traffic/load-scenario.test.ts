import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../protocol/index.js";
import { bundledScenarioNames, loadScenario } from "./load-scenario.js";

const dir = mkdtempSync(join(tmpdir(), "scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadScenario", () => {
  it("ships single, corridor and grid, each of the size it claims", async () => {
    expect(await bundledScenarioNames()).toEqual(expect.arrayContaining(["single", "corridor", "grid"]));
    const single = await loadScenario("single");
    const corridor = await loadScenario("corridor");
    const grid = await loadScenario("grid");
    expect(single.intersections).toHaveLength(1);
    expect(corridor.intersections).toHaveLength(5);
    expect(grid.intersections).toHaveLength(9);
    expect(grid.links).toHaveLength(24);
    // Corridor intersections sit 300–400 m apart along the arterial.
    const xs = corridor.intersections.map((x) => x.position.xM);
    for (let i = 1; i < xs.length; i++) {
      expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(300);
      expect(xs[i] - xs[i - 1]).toBeLessThanOrEqual(400);
    }
  });

  it("loads a JSON file by path", async () => {
    const single = await loadScenario("single");
    const path = join(dir, "copy.json");
    writeFileSync(path, JSON.stringify({ ...single, name: "copy" }));
    const copy = await loadScenario(path);
    expect(copy.name).toBe("copy");
    expect(copy.intersections).toEqual(single.intersections);
  });

  it("names the file and the field when a scenario file is wrong", async () => {
    const path = join(dir, "bad.yaml");
    writeFileSync(
      path,
      [
        "name: bad",
        "intersections:",
        "  - id: x",
        "    position: { xM: 0, yM: 0 }",
        "    approaches:",
        "      N: { lanes: { through: 1.5 } }",
        "      S: { lanes: { through: 1 } }",
        "    phases: [{ phase: 2, movements: [{ approach: S, turn: through }] }]",
        "demand: [{ intersectionId: x, approach: S, profile: [{ tS: 0, vehPerHour: 100 }] }]",
      ].join("\n"),
    );
    const error = await loadScenario(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(String(error)).toContain(`${path}: scenario.intersections[0].approaches.N.lanes.through:`);
  });

  it("says a file is not valid YAML, and where", async () => {
    const path = join(dir, "broken.yaml");
    writeFileSync(path, "name: [unclosed\n");
    await expect(loadScenario(path)).rejects.toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: invalid YAML`));
  });

  it("refuses an unknown key, naming the file, the key and where it is", async () => {
    const single = await loadScenario("single");
    const path = join(dir, "typo.json");
    const [first] = single.intersections;
    writeFileSync(path, JSON.stringify({ ...single, intersections: [{ ...first, positon: first!.position }] }));
    await expect(loadScenario(path)).rejects.toThrow(`${path}: scenario.intersections[0]: unknown key "positon"`);
  });

  it("lists the bundled scenarios when a name is unknown", async () => {
    await expect(loadScenario("downtown")).rejects.toThrow(/no file .*downtown\.yaml \(bundled scenarios: .*corridor.*grid.*single/);
  });
});
