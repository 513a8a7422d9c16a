import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VehicleClass } from "../../../protocol/index.js";
import { LineCounter, type CrossingEvent } from "./line-counter.js";
import { Tracker } from "./tracker.js";
import type { Box, CountingLine, Detection, TrackedVehicle } from "./types.js";

const LINE_Y = 240;
const BOX_H = 40;
/** Left to right across a 640-wide image: driving down the image is a positive crossing. */
const stopLine: CountingLine = { id: "L1", approachId: "N", from: [0, LINE_Y], to: [640, LINE_Y], countDirection: "positive" };

function boxAt(cx: number, bottom: number, width = 50): Box {
  return { x1: cx - width / 2, y1: bottom - BOX_H, x2: cx + width / 2, y2: bottom };
}

function track(id: number, cx: number, bottom: number, extra: Partial<TrackedVehicle> = {}): TrackedVehicle {
  return { id, box: boxAt(cx, bottom), className: "car", confirmed: true, misses: 0, velocity: { x: 0, y: 0 }, ...extra };
}

/** Runs frames of tracks through a counter and returns every crossing. */
function runTracks(frames: TrackedVehicle[][], lines: CountingLine[] = [stopLine], confirmFrames = 3): CrossingEvent[] {
  const counter = new LineCounter(lines, { confirmFrames });
  return frames.flatMap((tracks, f) => counter.update(tracks, f * 100));
}

/** A deterministic pseudo-random sequence, so scripted jitter is reproducible. */
function jitterSource(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648 - 0.5;
  };
}

/** Detector output for vehicles whose ground y is given per frame; NaN means not detected. */
function detect(positions: { cx: number; bottom: number }[], jitterPx: number, rand: () => number, className: VehicleClass = "car"): Detection[] {
  return positions
    .filter((p) => !Number.isNaN(p.bottom))
    .map((p) => {
      const j = (): number => 2 * jitterPx * rand();
      const b = boxAt(p.cx, p.bottom);
      return { classId: 2, className, score: 0.9, box: { x1: b.x1 + j(), y1: b.y1 + j(), x2: b.x2 + j(), y2: b.y2 + j() } };
    });
}

function runDetections(frames: Detection[][], lines: CountingLine[] = [stopLine]): CrossingEvent[] {
  const tracker = new Tracker();
  const counter = new LineCounter(lines);
  return frames.flatMap((dets, f) => counter.update(tracker.update(dets, f * 100), f * 100));
}

describe("LineCounter", () => {
  it("counts a vehicle driving across the line once, with its class, approach and direction", () => {
    const frames = Array.from({ length: 40 }, (_, f) => [track(7, 100, 150 + 5 * f, { className: "bus" })]);
    const events = runTracks(frames);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ lineId: "L1", approachId: "N", trackId: 7, direction: "positive", className: "bus" });
    // Counted on the third frame wholly past: top edge beyond 240 from bottom 281 (f = 27) on.
    expect(events[0].tMs).toBe(29 * 100);
  });

  it("counts a car that stops straddling the line and creeps forward over 30 frames exactly once", () => {
    const bottoms: number[] = [];
    for (let y = 150; y < 236; y += 5) bottoms.push(y); // arrives and stops with its front wheels at the line
    for (let f = 0; f < 30; f++) bottoms.push(236 + Math.floor(f / 3)); // creeps 1 px, stops 2 frames, 30 frames
    for (let y = 250; y < 340; y += 6) bottoms.push(y); // clears the line and drives off
    const rand = jitterSource(1);
    const direct = runTracks(bottoms.map((b) => [track(1, 100, b)]));
    const tracked = runDetections(bottoms.map((b) => detect([{ cx: 100, bottom: b }], 2, rand)));
    expect(direct).toHaveLength(1);
    expect(tracked).toHaveLength(1);
  });

  it("counts a queue that stops and goes across the line once per vehicle", () => {
    // Three cars in one lane, 60 px apart, moving in bursts: 8 frames moving 4 px/frame, 12 stopped.
    const rand = jitterSource(2);
    const frames: Detection[][] = [];
    let offset = 0;
    for (let f = 0; f < 200; f++) {
      if (f % 20 < 8) offset += 4;
      frames.push(detect([0, 1, 2].map((k) => ({ cx: 100, bottom: 180 - 60 * k + offset })), 1.5, rand));
    }
    const events = runDetections(frames);
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.trackId)).size).toBe(3);
  });

  it("counts once when the box flickers back and forth across the line", () => {
    const bottoms: number[] = [];
    for (let y = 150; y < 230; y += 5) bottoms.push(y);
    // Straddling, wholly past and wholly before in turn, never three frames in a row past.
    for (let f = 0; f < 30; f++) bottoms.push([250, 285, 285, 230][f % 4]);
    for (let f = 0; f < 10; f++) bottoms.push(290 + f);
    expect(runTracks(bottoms.map((b) => [track(1, 100, b)]))).toHaveLength(1);
  });

  it("never counts one track twice in one direction, even when it seems to cross back and forth", () => {
    const bottoms: number[] = [];
    for (let k = 0; k < 4; k++) bottoms.push(...Array<number>(5).fill(200), ...Array<number>(5).fill(300));
    expect(runTracks(bottoms.map((b) => [track(1, 100, b)]))).toHaveLength(1);
    const both: CountingLine = { ...stopLine, countDirection: "both" };
    const events = runTracks(bottoms.map((b) => [track(1, 100, b)]), [both]);
    expect(events.map((e) => e.direction)).toEqual(["positive", "negative"]);
  });

  it("counts a vehicle missed for a few frames and then seen past the line once", () => {
    const frames = Array.from({ length: 30 }, (_, f) => {
      const missed = f >= 15 && f <= 18; // lost while crossing
      return [track(1, 100, 170 + 6 * f, { misses: missed ? f - 14 : 0 })];
    });
    const events = runTracks(frames);
    expect(events).toHaveLength(1);
    // Counted on the third observed frame past the line, not earlier.
    expect(events[0].tMs).toBe(21 * 100);
  });

  it("counts two vehicles crossing side by side as two", () => {
    const rand = jitterSource(3);
    const frames = Array.from({ length: 40 }, (_, f) =>
      detect([{ cx: 100, bottom: 150 + 6 * f }, { cx: 156, bottom: 152 + 6 * f }], 2, rand),
    );
    const events = runDetections(frames);
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.trackId)).size).toBe(2);
  });

  it("does not count a track born already past the line, as after an id switch", () => {
    // Track 1 crosses and is counted; while it overlaps another car its id switches to 9.
    const frames: TrackedVehicle[][] = [];
    for (let f = 0; f < 30; f++) frames.push([track(1, 100, 180 + 6 * f)]);
    for (let f = 30; f < 50; f++) frames.push([track(9, 100, 180 + 6 * f)]);
    const events = runTracks(frames);
    expect(events.map((e) => e.trackId)).toEqual([1]);
  });

  it("does not count a vehicle whose id switched while it straddled the line", () => {
    const frames: TrackedVehicle[][] = [];
    for (let f = 0; f < 15; f++) frames.push([track(1, 100, 160 + 5 * f)]); // ends straddling
    for (let f = 15; f < 40; f++) frames.push([track(2, 100, 160 + 5 * f)]); // new id, never seen before the line
    expect(runTracks(frames)).toHaveLength(0);
  });

  it("waits for a track to be confirmed before counting its crossing, and never counts an unconfirmed one", () => {
    const crossing = (f: number): number => 170 + 10 * f;
    const late = Array.from({ length: 20 }, (_, f) => [track(1, 100, crossing(f), { confirmed: f >= 17 })]);
    const events = runTracks(late);
    expect(events).toHaveLength(1);
    expect(events[0].tMs).toBe(17 * 100);
    const never = Array.from({ length: 20 }, (_, f) => [track(1, 100, crossing(f), { confirmed: false })]);
    expect(runTracks(never)).toHaveLength(0);
  });

  it("counts only the directions a line is set to count", () => {
    const up = Array.from({ length: 40 }, (_, f) => [track(1, 100, 350 - 6 * f)]);
    expect(runTracks(up)).toHaveLength(0);
    expect(runTracks(up, [{ ...stopLine, countDirection: "negative" }])[0].direction).toBe("negative");
    expect(runTracks(up, [{ ...stopLine, countDirection: "both" }])[0].direction).toBe("negative");
  });

  it("ignores vehicles that pass beyond the ends of a line", () => {
    const short: CountingLine = { ...stopLine, from: [0, LINE_Y], to: [200, LINE_Y] };
    const beside = Array.from({ length: 40 }, (_, f) => [track(1, 400, 150 + 6 * f)]);
    const across = Array.from({ length: 40 }, (_, f) => [track(2, 150, 150 + 6 * f)]);
    expect(runTracks(beside, [short])).toHaveLength(0);
    expect(runTracks(across, [short])).toHaveLength(1);
  });

  it("counts one crossing per line when a vehicle crosses two lines", () => {
    const second: CountingLine = { id: "L2", approachId: "S", from: [640, 320], to: [0, 320], countDirection: "negative" };
    const frames = Array.from({ length: 50 }, (_, f) => [track(1, 100, 150 + 6 * f)]);
    expect(runTracks(frames, [stopLine, second]).map((e) => `${e.lineId}:${e.direction}`)).toEqual(["L1:positive", "L2:negative"]);
  });

  it("forgets tracks the tracker no longer reports", () => {
    const counter = new LineCounter([stopLine]);
    for (let f = 0; f < 5; f++) counter.update([track(1, 100, 150)], f);
    counter.update([], 5);
    // Same id reappearing past the line is a new track with no known origin.
    const events = [6, 7, 8, 9].flatMap((f) => counter.update([track(1, 100, 320)], f));
    expect(events).toHaveLength(0);
  });

  it("counts exactly the straight-line trajectories that crossed, despite jitter and dropped frames", () => {
    type Ending = "past" | "before" | "straddle";
    const vehicle = fc.record({
      startFrame: fc.integer({ min: 0, max: 30 }),
      startBottom: fc.integer({ min: 60, max: 150 }),
      speed: fc.double({ min: 2, max: 7, noNaN: true }),
      drift: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
      ending: fc.constantFrom<Ending>("past", "before", "straddle"),
      upward: fc.boolean(),
      drops: fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
    });
    fc.assert(
      fc.property(fc.array(vehicle, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer(), (vehicles, jitterPx, seed) => {
        const rand = jitterSource(Math.abs(seed) + 1);
        let expected = 0;
        const paths = vehicles.map((v, lane) => {
          // Ground y at the end, chosen clear of the line so "crossed" is never in doubt.
          const endBottom = v.ending === "past" ? LINE_Y + BOX_H + 4 + v.speed * 8 : v.ending === "before" ? LINE_Y - 6 : LINE_Y + BOX_H / 2;
          const frames = Math.ceil((endBottom - v.startBottom) / v.speed) + 1;
          if (v.ending === "past" && !v.upward) expected++;
          // An upward vehicle drives the same path backwards: it crosses, but against the count direction.
          const bottomAt = (k: number): number => (v.upward ? endBottom + v.startBottom - (v.startBottom + v.speed * k) : v.startBottom + v.speed * k);
          // At most two frames in a row lost, never the first three frames.
          const lost = v.drops.map((d, k) => d && k >= 3 && !(v.drops[k - 1] && v.drops[k - 2]));
          return { v, lane, frames, bottomAt, lost };
        });
        const total = Math.max(...paths.map((p) => p.v.startFrame + p.frames)) + 5;
        const detections: Detection[][] = [];
        for (let f = 0; f < total; f++) {
          const positions = paths.flatMap((p) => {
            const k = f - p.v.startFrame;
            if (k < 0 || k >= p.frames) return [];
            if (p.lost[k % p.lost.length]) return [];
            return [{ cx: 80 + 130 * p.lane + p.v.drift * k, bottom: p.bottomAt(k) }];
          });
          detections.push(detect(positions, jitterPx, rand));
        }
        const events = runDetections(detections);
        expect(events).toHaveLength(expected);
      }),
      { numRuns: 150 },
    );
  });
});
