import { describe, expect, it } from "vitest";
import { HIRES } from "../../../protocol/index.js";
import { LoopCounter, type LoopFrame } from "./loop-counter.js";
import type { CountingZone } from "./types.js";

const square: CountingZone["polygon"] = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];
const loop: CountingZone = { id: "NL", approachId: "N", kind: "loop", polygon: square, lanes: 1 };
const queue: CountingZone = { id: "NQ", approachId: "N", kind: "queue", polygon: square, lanes: 2, capacityVeh: 8 };

function run(counter: LoopCounter, series: number[][]): LoopFrame[] {
  return series.map((values, f) => counter.update(values, f * 100));
}

describe("LoopCounter", () => {
  it("counts one vehicle when noise around the on threshold chatters for many frames", () => {
    const counter = new LoopCounter([loop], { onThreshold: 0.3, offThreshold: 0.15, minOnFrames: 2, minOffFrames: 3 });
    // Three frames in a row below onThreshold but above offThreshold: a single threshold would count twice.
    const occupancy = [0, 0, 0.5, 0.6, 0.28, 0.25, 0.22, 0.33, 0.27, 0.29, 0.2, 0.35, 0.25, 0.4, 0.05, 0.02, 0, 0];
    const frames = run(counter, occupancy.map((o) => [o]));
    const counts = frames.flatMap((f) => f.counts);
    expect(counts).toEqual([{ approachId: "N" }]);
    expect(frames.flatMap((f) => f.events).map((e) => e.state)).toEqual(["on", "off"]);
  });

  it("counts each of several vehicles that leave a gap between them", () => {
    const counter = new LoopCounter([loop]);
    const car = [0.6, 0.7, 0.7, 0.6, 0.5];
    const gap = [0, 0, 0, 0];
    const frames = run(counter, [...car, ...gap, ...car, ...gap, ...car, ...gap].map((o) => [o]));
    expect(frames.flatMap((f) => f.counts)).toHaveLength(3);
  });

  it("needs minOnFrames frames in a row to turn on, so a one-frame spike counts nothing", () => {
    const counter = new LoopCounter([loop], { minOnFrames: 2 });
    const frames = run(counter, [0, 0.9, 0, 0.9, 0, 0.9, 0].map((o) => [o]));
    expect(frames.flatMap((f) => f.counts)).toHaveLength(0);
    expect(frames.every((f) => f.loops[0].on === false)).toBe(true);
  });

  it("reports on and off as hi-res detector events dated from when the change began", () => {
    const counter = new LoopCounter([loop], { minOnFrames: 2, minOffFrames: 3 });
    const frames = run(counter, [0, 0.8, 0.8, 0.8, 0, 0, 0, 0].map((o) => [o]));
    const events = frames.flatMap((f) => f.events);
    expect(events).toEqual([
      { zoneId: "NL", approachId: "N", state: "on", code: HIRES.detectorOn, tMs: 100 },
      { zoneId: "NL", approachId: "N", state: "off", code: HIRES.detectorOff, tMs: 400 },
    ]);
    // Reported on the frame the change is confirmed.
    expect(frames[2].events[0].state).toBe("on");
    expect(frames[6].events[0].state).toBe("off");
  });

  it("reports the share of frames each loop was on, then starts afresh", () => {
    const counter = new LoopCounter([loop, queue], { minOnFrames: 1, minOffFrames: 1 });
    run(counter, [[0.9, 0], [0.9, 0], [0.9, 0.9], [0, 0.9]]);
    const [l, q] = counter.takeStats();
    expect(l).toMatchObject({ zoneId: "NL", frames: 4, onFrames: 3, occupancyShare: 0.75, onCount: 1 });
    expect(q).toMatchObject({ zoneId: "NQ", frames: 4, onFrames: 2, occupancyShare: 0.5, onCount: 1 });
    expect(counter.takeStats()[0]).toMatchObject({ frames: 0, occupancyShare: 0, onCount: 0 });
  });

  it("counts vehicles only on loop zones and estimates a queue zone's queue from its occupancy", () => {
    const counter = new LoopCounter([loop, queue], { minOnFrames: 1 });
    const [frame] = run(counter, [[0.9, 0.5]]);
    expect(frame.counts).toEqual([{ approachId: "N" }]);
    expect(frame.events.map((e) => e.zoneId)).toEqual(["NL", "NQ"]);
    expect(frame.loops[1]).toMatchObject({ zoneId: "NQ", on: true, occupied: 1, occupancyFraction: 0.5, queueVeh: 4 });
    expect(frame.loops[0].queueVeh).toBe(0);
  });

  it("rejects a wrong number of occupancy values and thresholds without hysteresis", () => {
    expect(() => new LoopCounter([loop]).update([0.1, 0.2], 0)).toThrow(/expected 1 occupancy values, got 2/);
    expect(() => new LoopCounter([loop], { onThreshold: 0.2, offThreshold: 0.2 })).toThrow(/loopCounter\.offThreshold/);
  });
});
