import { describe, expect, it } from "vitest";
import { MaxPresence } from "./max-presence.js";

describe("MaxPresence", () => {
  it("keeps zones frozen until they have been occupied more than maxPresenceFrames in a row", () => {
    const presence = new MaxPresence(2, 3);
    for (let frame = 1; frame <= 3; frame++) {
      presence.update([1, 0]);
      expect(Array.from(presence.freeze), `after frame ${frame}`).toEqual([1, 1]);
    }
    presence.update([1, 0]);
    expect(Array.from(presence.freeze)).toEqual([0, 1]);
    expect(presence.isReleased(0)).toBe(true);
    expect(presence.presenceFrames(0)).toBe(4);
  });

  it("stays released while the zone stays on, and re-arms once it reads free", () => {
    const presence = new MaxPresence(1, 2);
    for (let i = 0; i < 10; i++) presence.update([1]);
    expect(presence.freeze[0]).toBe(0);
    presence.update([0]);
    expect(presence.freeze[0]).toBe(1);
    expect(presence.presenceFrames(0)).toBe(0);
  });

  it("starts counting again after a single free frame", () => {
    const presence = new MaxPresence(1, 3);
    presence.update([1]);
    presence.update([1]);
    presence.update([1]);
    presence.update([0]);
    presence.update([1]);
    presence.update([1]);
    presence.update([1]);
    expect(presence.freeze[0]).toBe(1);
  });

  it("forgets everything on reset", () => {
    const presence = new MaxPresence(1, 1);
    presence.update([1]);
    presence.update([1]);
    expect(presence.freeze[0]).toBe(0);
    presence.reset();
    expect(presence.freeze[0]).toBe(1);
    expect(presence.presenceFrames(0)).toBe(0);
  });

  it("refuses a max presence below one frame", () => {
    expect(() => new MaxPresence(1, 0)).toThrow(/maxPresenceFrames: expected a whole number >= 1, got 0/);
  });
});
