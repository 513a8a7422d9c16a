import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { readNet, tlsLayout, trafficLightIds, type SumoNet } from "./index.js";

const netPath = fileURLToPath(new URL("../scenarios/arterial.net.xml", import.meta.url));

describe("a light's layout from the net", () => {
  let net: SumoNet;
  beforeAll(async () => {
    net = await readNet(netPath);
  });

  it("finds the lights and groups each approach's links by the signal they show", () => {
    expect(trafficLightIds(net).sort()).toEqual(["A0", "B0", "C0"]);
    const b = tlsLayout(net, "B0");
    expect(b.links).toHaveLength(16);
    expect(b.groups.map((g) => `${g.id}:${g.links.join(",")}`)).toEqual([
      "top1B0.150.00.rs:0,1,2",
      "top1B0.150.00.l:3",
      "C0B0.250.00.rs:4,5,6",
      "C0B0.250.00.l:7",
      "bottom1B0.150.00.rs:8,9,10",
      "bottom1B0.150.00.l:11",
      "A0B0.250.00.rs:12,13,14",
      "A0B0.250.00.l:15",
    ]);
  });

  it("takes the program's green phases in order, each with the yellow after it", () => {
    const b = tlsLayout(net, "B0");
    expect(b.phases.map((p) => [p.greenS, p.yellowS, p.allRedS])).toEqual([
      [33, 3, 0],
      [6, 3, 0],
      [33, 3, 0],
      [6, 3, 0],
    ]);
    // Lefts run permissive with the through traffic, then protected.
    expect(b.phases[0]!.permissiveLinks).toEqual([3, 11]);
    expect(b.phases[1]!.protectedLinks).toEqual([3, 11]);
  });

  it("forbids crossing links the program never shows together, and allows the permissive left it does", () => {
    const b = tlsLayout(net, "B0");
    const forbidden = new Set(b.forbiddenLinkPairs.map(([x, y]) => `${x},${y}`));
    expect(forbidden.has("1,5")).toBe(true); // southbound through × westbound through
    expect(forbidden.has("3,9")).toBe(false); // southbound left yields to the northbound through: shown together
    expect(b.yields[3]).toEqual(expect.arrayContaining([9, 10]));
    for (const [x, y] of b.forbiddenLinkPairs) {
      for (const p of b.program.phase) expect(/[Ggy]/.test(p.state[x]!) && /[Ggy]/.test(p.state[y]!)).toBe(false);
    }
  });

  it("refuses a program whose states do not match the light's links", async () => {
    const broken = { ...net, tlLogic: net.tlLogic.map((t) => (t.id === "B0" ? { ...t, phase: [{ duration: 30, state: "GGG" }] } : t)) };
    expect(() => tlsLayout(broken, "B0")).toThrow(/program of traffic light "B0" has states for 3 links, but its connection .* is link \d+/);
    expect(() => tlsLayout(net, "nope")).toThrow(/traffic light "nope" has no <tlLogic>/);
  });
});
