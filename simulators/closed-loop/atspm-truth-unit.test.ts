import { describe, expect, it } from "vitest";
import type { ControllerEvent, SignalState } from "../../protocol/index.js";
import type { NetworkSnapshot, VehicleView } from "../traffic/index.js";
import type { SimDetector } from "./atspm-detectors.js";
import { AtspmTruth } from "./atspm-truth.js";

/** The truth on hand-made snapshots: one intersection, approach E, one through lane with a stop-bar and an advance detector. */
const T0 = Date.UTC(2026, 0, 5, 7, 0, 0);
const X = "x";
const DETECTORS: SimDetector[] = [
  { channel: 1, phase: 2, kind: "stop-bar", approach: "E", lane: 0, fromM: 0, toM: 12, speedKmh: 36 },
  { channel: 2, phase: 2, kind: "advance", approach: "E", lane: 0, fromM: 100, toM: 102, speedKmh: 36 },
];

function vehicle(id: number, distanceM: number, speedMps: number, queued: boolean): VehicleView {
  return { id, class: "car", turn: "through", lengthM: 4.5, distanceM, speedMps, stopped: speedMps < 0.5, queued, freeArrivalS: -10 };
}

function snapshot(tMs: number, vehicles: VehicleView[]): NetworkSnapshot {
  const queueVeh = vehicles.filter((v) => v.queued).length;
  return {
    tS: (tMs - T0) / 1000,
    intersections: [
      {
        id: X,
        position: { xM: 0, yM: 0 },
        approaches: [
          {
            approach: "E",
            lengthM: 200,
            signals: { through: "R", left: null, right: null },
            queueVeh,
            lanes: [{ index: 0, turns: ["through"], queueVeh, queueLengthM: 0, vehicles }],
          },
        ],
      },
    ],
  };
}

const shown = (state: SignalState): Map<string, Record<string, SignalState>> => new Map([[X, { "E-through": state }]]);
const hires = (tMs: number, code: number): ControllerEvent => ({ type: "hires", ts: tMs, code, param: 2 });

describe("AtspmTruth", () => {
  it("judges a vehicle that joins a queue by the signal at its arrival, even when that arrival is still ahead", () => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    // 50 m out at 10 m/s, then stopped behind a queue: its point-queue arrival is at 5 s.
    truth.observe(snapshot(T0, [vehicle(1, 50, 10, false)]), T0, shown("R"));
    truth.observe(snapshot(T0 + 1000, [vehicle(1, 45, 0, true)]), T0 + 1000, shown("R"));
    expect(truth.arrivals.get(X) ?? []).toEqual([]); // not known yet: the simulation is at 1 s
    // The green begins at 3 s, before the vehicle would have reached the line.
    truth.observe(snapshot(T0 + 3000, [vehicle(1, 45, 0, true)]), T0 + 3000, shown("R"));
    truth.observe(snapshot(T0 + 6000, [vehicle(1, 20, 5, true)]), T0 + 6000, shown("G"));
    expect(truth.arrivals.get(X)).toEqual([{ phase: 2, approachId: "E", tMs: T0 + 5000, green: true }]);
  });

  it("times a vehicle that crossed without queuing from where it last moved", () => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    truth.observe(snapshot(T0, [vehicle(7, 30, 10, false)]), T0, shown("G"));
    truth.observe(snapshot(T0 + 2000, [vehicle(7, 10, 10, false)]), T0 + 2000, shown("G"));
    truth.observe(snapshot(T0 + 4000, []), T0 + 4000, shown("G")); // gone: crossed at 3 s
    expect(truth.arrivals.get(X)).toEqual([{ phase: 2, approachId: "E", tMs: T0 + 3000, green: true }]);
  });

  it("fails a green whose queue never emptied and left a vehicle that reached the line before the yellow", () => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    truth.observe(snapshot(T0, [vehicle(10, 0, 0, true), vehicle(11, 6.5, 0, true), vehicle(12, 13, 0, true)]), T0, shown("R"));
    truth.controllerEvents(X, [hires(T0, 1)]);
    truth.observe(snapshot(T0 + 2000, [vehicle(10, 0, 0, true), vehicle(11, 6.5, 0, true), vehicle(12, 13, 0, true)]), T0 + 2000, shown("G"));
    truth.observe(snapshot(T0 + 4000, [vehicle(11, 0, 0, true), vehicle(12, 6.5, 0, true)]), T0 + 4000, shown("G"));
    truth.controllerEvents(X, [hires(T0 + 4000, 8)]);
    truth.observe(snapshot(T0 + 7000, [vehicle(12, 0, 0, true)]), T0 + 7000, shown("Y"));
    truth.controllerEvents(X, [hires(T0 + 7000, 9)]);
    expect(truth.greens.get(X)).toEqual([
      {
        phase: 2,
        approachId: "E",
        greenStartMs: T0,
        failed: true,
        queueFailed: true,
        strictFailed: true,
        overflow: true,
        residualVeh: 1,
        queueEmptiedInGreen: false,
        queuedShareOfGreen: 1,
        usedShareOfGreen: 1,
        unserved: true,
        yellowStartMs: T0 + 4000,
        redStartMs: T0 + 7000,
        redWindowFirstArrivalMs: Number.NaN, // nothing observed after the yellow
      },
    ]);
  });

  it("does not fail a green whose queue emptied before the yellow, whatever stopped on the yellow", () => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    truth.observe(snapshot(T0, [vehicle(20, 0, 0, true)]), T0, shown("R"));
    truth.controllerEvents(X, [hires(T0, 1)]);
    truth.observe(snapshot(T0 + 2000, []), T0 + 2000, shown("G")); // the queue is gone
    truth.observe(snapshot(T0 + 4000, [vehicle(21, 30, 10, false)]), T0 + 4000, shown("G"));
    truth.controllerEvents(X, [hires(T0 + 4000, 8)]);
    // Reaches the line 3 s into the yellow and stops: the yellow's vehicle, not the green's.
    truth.observe(snapshot(T0 + 7000, [vehicle(21, 0, 0, true)]), T0 + 7000, shown("Y"));
    truth.controllerEvents(X, [hires(T0 + 7000, 9)]);
    const [g] = truth.greens.get(X) ?? [];
    expect(g).toMatchObject({ failed: false, strictFailed: false, residualVeh: 1, queueEmptiedInGreen: true, queuedShareOfGreen: 0, unserved: false });
  });

  it.each([
    { queuedSeconds: [1, 2, 3, 4, 5, 6, 7, 8, 10], failed: true },
    { queuedSeconds: [1, 2, 3, 4, 5, 6, 10], failed: false },
  ])("calls a green fully used when it was used for more than 79 % of it, as ATSPM does (queued $queuedSeconds s of 10)", ({ queuedSeconds, failed }) => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    truth.observe(snapshot(T0, [vehicle(30, 0, 0, true)]), T0, shown("R"));
    truth.controllerEvents(X, [hires(T0, 1)]);
    for (let t = 1; t <= 10; t++) {
      const queued = queuedSeconds.includes(t);
      truth.observe(snapshot(T0 + t * 1000, queued ? [vehicle(30 + t, 0, 0, true)] : []), T0 + t * 1000, shown("G"));
    }
    truth.controllerEvents(X, [hires(T0 + 10_000, 8)]);
    truth.observe(snapshot(T0 + 13_000, [vehicle(50, 0, 0, true)]), T0 + 13_000, shown("Y"));
    truth.controllerEvents(X, [hires(T0 + 13_000, 9)]);
    const [g] = truth.greens.get(X) ?? [];
    expect(g).toMatchObject({ failed, queueFailed: failed, strictFailed: false, queueEmptiedInGreen: true, queuedShareOfGreen: queuedSeconds.length / 10, residualVeh: 1 });
  });

  it.each([
    { name: "within the saturation headway (1.5 s)", gapS: 1.5, failed: true },
    { name: "longer than the saturation headway (3 s)", gapS: 3, failed: false },
  ])("counts green as used while the next vehicle streams to the line $name, queued or not", ({ gapS, failed }) => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    truth.observe(snapshot(T0, [vehicle(70, 0, 0, true)]), T0, shown("R"));
    truth.controllerEvents(X, [hires(T0, 1)]);
    // After the queue, a platoon at 10 m/s with its head gapS from the line at every second: never queued.
    truth.observe(snapshot(T0 + 1000, [vehicle(70, 0, 0, true)]), T0 + 1000, shown("G"));
    for (let t = 2; t <= 10; t++) truth.observe(snapshot(T0 + t * 1000, [vehicle(70 + t, gapS * 10, 10, false)]), T0 + t * 1000, shown("G"));
    truth.controllerEvents(X, [hires(T0 + 10_000, 8)]);
    truth.observe(snapshot(T0 + 13_000, [vehicle(90, 0, 0, true)]), T0 + 13_000, shown("Y"));
    truth.controllerEvents(X, [hires(T0 + 13_000, 9)]);
    const [g] = truth.greens.get(X) ?? [];
    expect(g).toMatchObject({ failed, queueFailed: false, queuedShareOfGreen: 0.1, residualVeh: 1, usedShareOfGreen: failed ? 1 : 0.1 });
  });

  it.each([
    { name: "reaching the bar 2.8 s into the red", fromM: 40, firstArrival: T0 + 17_000 },
    { name: "reaching it only after the first 5 s", fromM: 80, firstArrival: Number.NaN },
  ])("notes when the vehicle over the stop bar in the first 5 s of red reached the line ($name)", ({ fromM, firstArrival }) => {
    const truth = new AtspmTruth(new Map([[X, DETECTORS]]), T0);
    truth.observe(snapshot(T0, [vehicle(60, 0, 0, true)]), T0, shown("R"));
    truth.controllerEvents(X, [hires(T0, 1)]);
    truth.observe(snapshot(T0 + 2000, []), T0 + 2000, shown("G"));
    truth.controllerEvents(X, [hires(T0 + 10_000, 8)]);
    truth.observe(snapshot(T0 + 13_000, [vehicle(61, fromM, 10, false)]), T0 + 13_000, shown("Y"));
    truth.controllerEvents(X, [hires(T0 + 13_000, 9)]); // red, nothing queued
    // At 10 m/s the vehicle is over the 12 m bar 1.2 s before it reaches the line.
    for (let t = 1; t <= 10; t++) {
      const distanceM = Math.max(0, fromM - 10 * t);
      truth.observe(snapshot(T0 + 13_000 + t * 1000, [vehicle(61, distanceM, distanceM > 0 ? 10 : 0, distanceM === 0)]), T0 + 13_000 + t * 1000, shown("R"));
    }
    const [g] = truth.greens.get(X) ?? [];
    expect(g).toMatchObject({ failed: false, residualVeh: 0, yellowStartMs: T0 + 10_000, redStartMs: T0 + 13_000 });
    expect(g.redWindowFirstArrivalMs).toEqual(firstArrival);
  });
});
