import { describe, expect, it } from "vitest";
import { exitLeg, oppositeLeg } from "./geometry.js";
import { laneTurns } from "./lanes.js";

describe("laneTurns", () => {
  it("puts exclusive lefts nearest the median and rights at the curb", () => {
    expect(laneTurns({ through: 2, left: 1, right: 1 })).toEqual([["left"], ["through"], ["through"], ["right"]]);
  });

  it("lets turns share the outer through lanes when they have no lane of their own", () => {
    expect(laneTurns({ through: 2, left: 0, right: 0 })).toEqual([
      ["through", "left"],
      ["through", "right"],
    ]);
    expect(laneTurns({ through: 1, left: 0, right: 0 })).toEqual([["through", "left", "right"]]);
  });
});

describe("exitLeg", () => {
  it("sends a left turn from the north approach out to the east", () => {
    expect(exitLeg("N", "left")).toBe("E");
    expect(exitLeg("N", "right")).toBe("W");
    expect(exitLeg("N", "through")).toBe("S");
    expect(exitLeg("W", "left")).toBe("N");
    expect(oppositeLeg("E")).toBe("W");
  });
});
