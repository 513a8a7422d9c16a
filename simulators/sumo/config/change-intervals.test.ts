import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sumoGameNet } from "../../../tests/support/servers.js";
import { readNet, tlsLayout } from "../net/index.js";
import { changeIntervalsOf, configsFromNet, SumoIntersectionConfig, tlsProgramsAdditional, withChangeIntervals } from "./index.js";

const arterial = fileURLToPath(new URL("../scenarios/arterial.net.xml", import.meta.url));
const gameCorridor = sumoGameNet("corridor");

describe("the net's program with the generated configuration's change intervals", () => {
  it("adds the red clearance after every yellow (a left carried through the change stays green, unopposed), keeping the greens", async () => {
    const net = await readNet(arterial);
    const layout = tlsLayout(net, "B0");
    const config = SumoIntersectionConfig.parse(configsFromNet(net, () => "pw-0123456789abc").intersections.find((x) => x.config.tlsId === "B0")!.config);
    const changes = changeIntervalsOf(config, layout);
    expect(changes).toEqual(config.controller.phases.map((p) => ({ yellowS: p.yellowS, redClearanceS: p.redClearanceS })));
    const program = withChangeIntervals(layout, changes, 1);
    // The net's program: green, yellow, green, … with no all-red; now each yellow is followed by one.
    expect(layout.program.phase.map((p) => p.state)).not.toContain("rrrrrrrrrrrrrrrr");
    expect(program.phase.map((p) => [p.state, p.duration])).toEqual([
      ["GGGgrrrrGGGgrrrr", 33],
      ["yyygrrrryyygrrrr", 3],
      ["rrrGrrrrrrrGrrrr", 2],
      ["rrrGrrrrrrrGrrrr", 6],
      ["rrryrrrrrrryrrrr", 3],
      ["rrrrrrrrrrrrrrrr", 2],
      ["rrrrGGGgrrrrGGGg", 33],
      ["rrrryyygrrrryyyg", 3],
      ["rrrrrrrGrrrrrrrG", 2],
      ["rrrrrrrGrrrrrrrG", 6],
      ["rrrrrrryrrrrrrry", 3],
      ["rrrrrrrrrrrrrrrr", 2],
    ]);
    expect(program.phase.filter((p) => p.change).length).toBe(8);
    // Change phases never become actuated greens under SUMO's actuated logic.
    const xml = tlsProgramsAdditional([program], "actuated", "-generated-clearance");
    expect(xml.match(/minDur/g)).toHaveLength(4);
    expect(xml).toContain('state="rrrGrrrrrrrGrrrr" minDur="5"');
    expect(xml).toContain('programID="0-actuated-generated-clearance"');
  });

  it("shows each interval in whole steps, rounded up, as the controllers do", async () => {
    const layout = tlsLayout(await readNet(arterial), "A0");
    const program = withChangeIntervals(layout, layout.phases.map(() => ({ yellowS: 3.2, redClearanceS: 1.5 })), 1);
    expect(new Set(program.phase.filter((p) => p.change).map((p) => p.duration))).toEqual(new Set([4, 2]));
    const half = withChangeIntervals(layout, layout.phases.map(() => ({ yellowS: 3, redClearanceS: 1.5 })), 0.5);
    expect(new Set(half.phase.filter((p) => p.change).map((p) => p.duration))).toEqual(new Set([3, 1.5]));
  });

  it("refuses a configuration whose phases are not the net program's green phases", async () => {
    const net = await readNet(arterial);
    const layout = tlsLayout(net, "B0");
    const config = SumoIntersectionConfig.parse(configsFromNet(net, () => "pw-0123456789abc").intersections.find((x) => x.config.tlsId === "B0")!.config);
    const fewer = { ...config, controller: { ...config.controller, phases: config.controller.phases.slice(0, 3) } };
    expect(() => changeIntervalsOf(fewer, layout)).toThrow(/B0.*not the net program's 4 green phases in order/);
  });

  it.skipIf(gameCorridor.skip)(`keeps a program's own all-red where the configuration has the same ${gameCorridor.reason}`, async () => {
    const net = await readNet(gameCorridor.path);
    const x = configsFromNet(net, () => "pw-0123456789abc").intersections[0]!;
    const config = SumoIntersectionConfig.parse(x.config);
    const program = withChangeIntervals(x.layout, changeIntervalsOf(config, x.layout), 1);
    // Its program starts with a yellow and has a 3 s all-red after each: the same program, in the same order.
    expect(program.phase.map((p) => [p.state, p.duration])).toEqual(x.layout.program.phase.map((p) => [p.state, p.duration]));
  });
});
