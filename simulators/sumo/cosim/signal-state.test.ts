import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { SignalState } from "../../../protocol/index.js";
import { configsFromNet, SumoIntersectionConfig } from "../config/index.js";
import { readNet, tlsLayout, type TlsLayout } from "../net/index.js";
import { ConflictObserver, sumoStateOf } from "./signal-state.js";

const netPath = fileURLToPath(new URL("../scenarios/arterial.net.xml", import.meta.url));

describe("controller signal groups as SUMO light states", () => {
  let config: SumoIntersectionConfig;
  let layout: TlsLayout;
  beforeAll(async () => {
    const net = await readNet(netPath);
    config = SumoIntersectionConfig.parse(configsFromNet(net, () => "pw-0123456789abc").intersections.find((x) => x.config.tlsId === "B0")!.config);
    layout = tlsLayout(net, "B0");
  });
  const allRed = (): Record<string, SignalState> => Object.fromEntries(Object.keys(config.links).map((g) => [g, "R" as SignalState]));

  it("shows a left turn 'g' (yield) beside the opposing through, green or yellow, and 'G' alone; yellow 'y'; flash red", () => {
    const groups = allRed();
    groups["top1B0.150.00.l"] = "G";
    expect(sumoStateOf(config, groups)).toBe("rrrGrrrrrrrrrrrr");
    groups["bottom1B0.150.00.rs"] = "G";
    expect(sumoStateOf(config, groups)).toBe("rrrgrrrrGGGrrrrr");
    // Carried green through the opposing through's yellow: still yielding, as the net's program shows it.
    groups["bottom1B0.150.00.rs"] = "Y";
    expect(sumoStateOf(config, groups)).toBe("rrrgrrrryyyrrrrr");
    groups["bottom1B0.150.00.rs"] = "R";
    expect(sumoStateOf(config, groups)).toBe("rrrGrrrrrrrrrrrr");
    expect(sumoStateOf(config, Object.fromEntries(Object.keys(config.links).map((g) => [g, "FR" as SignalState])))).toBe("r".repeat(16));
  });

  it("never shows crossing links together for states the conflict matrix allows, and the observer sees it when it does not", () => {
    const groups = Object.keys(config.links);
    const conflicting = new Set(config.controller.conflicts.map(([a, b]) => `${a}|${b}`));
    const conflict = (a: string, b: string): boolean => conflicting.has(`${a}|${b}`) || conflicting.has(`${b}|${a}`);
    fc.assert(
      fc.property(fc.array(fc.constantFrom<SignalState>("G", "Y", "R"), { minLength: groups.length, maxLength: groups.length }), (states) => {
        const assignment = Object.fromEntries(groups.map((g, i) => [g, states[i]!]));
        const onGroups = groups.filter((g) => assignment[g] !== "R");
        const allowed = onGroups.every((a) => onGroups.every((b) => a === b || !conflict(a, b)));
        const observer = new ConflictObserver(new Map([["B0", layout.forbiddenLinkPairs]]));
        const seen = observer.observe("B0", sumoStateOf(config, assignment));
        if (allowed) expect(seen).toBe(0);
        else expect(seen).toBeGreaterThan(0);
      }),
      { seed: 1313, numRuns: 500 },
    );
  });
});
