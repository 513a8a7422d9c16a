import { describe, expect, it } from "vitest";
import type { VehicleClass } from "../../../protocol/index.js";
import { Tracker } from "./tracker.js";
import type { Detection } from "./types.js";

function car(cx: number, bottom: number, score = 0.9, className: VehicleClass = "car"): Detection {
  return { classId: 2, className, score, box: { x1: cx - 25, y1: bottom - 40, x2: cx + 25, y2: bottom } };
}

describe("Tracker", () => {
  it("keeps one id for a moving vehicle across one and two missed frames", () => {
    const tracker = new Tracker();
    const missed = new Set([6, 11, 12]);
    const ids = new Set<number>();
    for (let f = 0; f < 20; f++) {
      const tracks = tracker.update(missed.has(f) ? [] : [car(100, 50 + 6 * f)], f * 100);
      expect(tracks).toHaveLength(1);
      ids.add(tracks[0].id);
    }
    expect(ids.size).toBe(1);
  });

  it("predicts a missed vehicle's box at constant velocity", () => {
    const tracker = new Tracker();
    for (let f = 0; f < 5; f++) tracker.update([car(100, 50 + 10 * f)], f);
    const [predicted] = tracker.update([], 5);
    expect(predicted.misses).toBe(1);
    expect(predicted.box.y2).toBeCloseTo(100, 5);
    expect(predicted.velocity.y).toBeCloseTo(10, 5);
  });

  it("gives two vehicles driving side by side two ids that stay apart", () => {
    const tracker = new Tracker();
    const seen = new Map<number, number[]>();
    for (let f = 0; f < 15; f++) {
      for (const t of tracker.update([car(100, 50 + 5 * f), car(155, 52 + 5 * f)], f)) {
        seen.set(t.id, [...(seen.get(t.id) ?? []), (t.box.x1 + t.box.x2) / 2]);
      }
    }
    expect(seen.size).toBe(2);
    for (const xs of seen.values()) expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(1);
  });

  it("confirms a track only after minHits matches", () => {
    const tracker = new Tracker({ minHits: 3 });
    expect(tracker.update([car(100, 100)], 0)[0].confirmed).toBe(false);
    expect(tracker.update([car(100, 102)], 1)[0].confirmed).toBe(false);
    const [t] = tracker.update([car(100, 104)], 2);
    expect(t.confirmed).toBe(true);
    expect(t.hits).toBe(3);
  });

  it("drops a one-frame ghost quickly but keeps a confirmed track for maxAge frames", () => {
    const tracker = new Tracker({ maxAge: 4, maxAgeUnconfirmed: 1 });
    for (let f = 0; f < 5; f++) tracker.update([car(100, 100)], f);
    tracker.update([car(100, 100), car(400, 300)], 5);
    expect(tracker.update([], 6)).toHaveLength(2);
    expect(tracker.update([], 7)).toHaveLength(1); // the ghost has missed 2 > 1 frames
    tracker.update([], 8);
    expect(tracker.update([], 9)).toHaveLength(1);
    expect(tracker.update([], 10)).toHaveLength(0); // 5 misses > maxAge 4
  });

  it("extends a confirmed track with a low-score detection but never starts a track from one", () => {
    const tracker = new Tracker();
    for (let f = 0; f < 4; f++) tracker.update([car(100, 100 + 2 * f)], f);
    const tracks = tracker.update([car(100, 108, 0.3), car(400, 300, 0.3)], 4);
    expect(tracks).toHaveLength(1);
    expect(tracks[0].misses).toBe(0);
    expect(tracks[0].score).toBe(0.3);
  });

  it("ignores detections below lowScore", () => {
    const tracker = new Tracker({ lowScore: 0.2 });
    for (let f = 0; f < 4; f++) tracker.update([car(100, 100)], f);
    expect(tracker.update([car(100, 100, 0.1)], 4)[0].misses).toBe(1);
  });

  it("classes a track by majority over its detections", () => {
    const tracker = new Tracker();
    const classes: VehicleClass[] = ["truck", "car", "truck", "car", "truck", "car"];
    let last = tracker.update([], 0);
    classes.forEach((cls, f) => {
      last = tracker.update([{ ...car(100, 100), className: cls, classId: cls === "car" ? 2 : 7 }], f);
    });
    // Tie 3–3: the most recent class wins.
    expect(last[0].className).toBe("car");
    last = tracker.update([{ ...car(100, 100), className: "truck", classId: 7 }], 7);
    expect(last[0].className).toBe("truck");
    expect(last[0].classId).toBe(7);
    last = tracker.update([{ ...car(100, 100), className: "bus", classId: 5 }], 8);
    expect(last[0].className).toBe("truck");
  });

  it("rejects options that contradict each other, naming the field", () => {
    expect(() => new Tracker({ lowScore: 0.8, highScore: 0.5 })).toThrow(/tracker\.lowScore/);
    expect(() => new Tracker({ minHits: 0 })).toThrow(/tracker\.minHits/);
  });
});
