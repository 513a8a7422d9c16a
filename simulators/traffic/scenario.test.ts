import { describe, expect, it } from "vitest";
import { ValidationError } from "../../protocol/index.js";
import { parseScenario, type ScenarioInput } from "./scenario.js";

/** Two intersections on an east–west street, linked both ways. */
function twoIntersections(): ScenarioInput {
  const approach = () => ({ lanes: { through: 1 }, lengthM: 150, speedLimitKmh: 50 });
  const phases = () => [
    { phase: 2, movements: [{ approach: "E" as const, turn: "through" as const }, { approach: "W" as const, turn: "through" as const }] },
    { phase: 4, movements: [{ approach: "N" as const, turn: "through" as const }, { approach: "S" as const, turn: "through" as const }] },
  ];
  return {
    name: "two",
    intersections: [
      { id: "a", position: { xM: 0, yM: 0 }, approaches: { N: approach(), E: approach(), S: approach(), W: approach() }, phases: phases() },
      { id: "b", position: { xM: 300, yM: 0 }, approaches: { N: approach(), E: approach(), S: approach(), W: approach() }, phases: phases() },
    ],
    links: [
      { from: { intersectionId: "a", exit: "E" }, to: { intersectionId: "b", approach: "W" }, distanceM: 300 },
      { from: { intersectionId: "b", exit: "W" }, to: { intersectionId: "a", approach: "E" }, distanceM: 300, speedKmh: 40 },
    ],
    demand: [{ intersectionId: "a", approach: "W", profile: [{ tS: 0, vehPerHour: 600 }] }],
  };
}

function errorOf(value: unknown): string {
  try {
    parseScenario(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error("expected parseScenario to throw");
}

describe("parseScenario", () => {
  it("fills in defaults: ITE yellows, link speeds, turning shares over served movements, seed and duration", () => {
    const s = parseScenario(twoIntersections());
    expect(s.seed).toBe(1);
    expect(s.durationS).toBe(3600);
    expect(s.intersections[0].phases[0].yellowS).toBe(3.3);
    expect(s.links[0].speedKmh).toBe(50);
    expect(s.links[1].speedKmh).toBe(40);
    // Only through movements have phases here, so every vehicle goes through.
    expect(s.intersections[0].approaches.W?.turning).toEqual({ through: 1, left: 0, right: 0 });
    const mix = Object.values(s.classMix).reduce((a, b) => a + b, 0);
    expect(mix).toBeCloseTo(1);
  });

  it("normalises turning shares and class mixes given in any units", () => {
    const input = twoIntersections();
    input.classMix = { car: 9, truck: 1 };
    const w = input.intersections[0].approaches.W;
    if (w === undefined) throw new Error("fixture has W");
    w.turning = { through: 3, right: 1 };
    input.intersections[0].phases[0].movements.push({ approach: "W", turn: "right" });
    const s = parseScenario(input);
    expect(s.intersections[0].approaches.W?.turning).toEqual({ through: 0.75, left: 0, right: 0.25 });
    expect(s.classMix.car).toBeCloseTo(0.9);
    expect(s.classMix.bus).toBe(0);
  });

  it("names the lane count that is wrong", () => {
    const input = twoIntersections();
    input.intersections[1].approaches.N = { lanes: { through: -1 } };
    expect(errorOf(input)).toMatch(/^scenario\.intersections\[1\]\.approaches\.N\.lanes\.through: /);
  });

  it("names a link to an intersection that does not exist", () => {
    const input = twoIntersections();
    input.links = [{ from: { intersectionId: "a", exit: "E" }, to: { intersectionId: "nope", approach: "W" }, distanceM: 300 }];
    expect(errorOf(input)).toContain("scenario.links[0].to.intersectionId: unknown intersection nope");
  });

  it("names a phase movement on an approach the intersection lacks", () => {
    const input = twoIntersections();
    delete input.intersections[0].approaches.N;
    expect(errorOf(input)).toContain("scenario.intersections[0].phases[1].movements[0].approach: intersection a has no approach N");
  });

  it("names a turning share that no phase serves", () => {
    const input = twoIntersections();
    const w = input.intersections[0].approaches.W;
    if (w === undefined) throw new Error("fixture has W");
    w.turning = { through: 0.9, left: 0.1 };
    expect(errorOf(input)).toContain("scenario.intersections[0].approaches.W.turning.left: W left has a share but no phase serves it");
  });

  it("names a demand profile whose times go backwards", () => {
    const input = twoIntersections();
    input.demand = [{ intersectionId: "a", approach: "W", profile: [{ tS: 100, vehPerHour: 1 }, { tS: 50, vehPerHour: 2 }] }];
    expect(errorOf(input)).toContain("scenario.demand[0].profile[1].tS: expected tS after 100, got 50");
  });

  it("names duplicate ids, duplicate phases and a max green below the min green", () => {
    const input = twoIntersections();
    input.intersections[1].id = "a";
    input.intersections[0].phases[1].phase = 2;
    input.intersections[0].phases[0].minGreenS = 30;
    input.intersections[0].phases[0].maxGreenS = 20;
    const message = errorOf(input);
    expect(message).toContain("scenario.intersections[1].id: duplicate intersection id a");
    expect(message).toContain("scenario.intersections[0].phases[1].phase: duplicate phase 2");
    expect(message).toContain("scenario.intersections[0].phases[0].maxGreenS: maxGreenS 20 is below minGreenS 30");
  });

  it("rejects a misspelt key instead of ignoring it", () => {
    const input: Record<string, unknown> = { ...twoIntersections(), duration: 60 };
    expect(errorOf(input)).toMatch(/^scenario: .*duration/);
  });

  it("rejects an intersection id that is not a protocol id", () => {
    const input = twoIntersections();
    input.intersections[0].id = "main/1st";
    expect(errorOf(input)).toMatch(/^scenario\.intersections\[0\]\.id: /);
  });
});
