import { describe, expect, it } from "vitest";
import { computeMeasure, computeMeasures, eventLogOf, MEASURE_NAMES, toAtspmCsv, type AtspmConfigInput, type HiResLike } from "./index.js";

const T0 = Date.UTC(2026, 0, 5, 7, 0, 0);
const at = (s: number): number => T0 + Math.round(s * 1000);
const ev = (s: number, code: number, param: number): HiResLike => ({ ts: at(s), code, param });

/** One served green of `phase`: begin green g, termination + begin yellow y, end yellow / red clearance r, end of red clearance r + 2. */
function green(phase: number, g: number, y: number, r: number, termination: 4 | 5 | 6 | null): HiResLike[] {
  return [
    ev(g, 1, phase),
    ...(termination === null ? [] : [ev(y, termination, phase)]),
    ev(y, 8, phase),
    ev(r, 9, phase),
    ev(r, 10, phase),
    ev(r + 2, 11, phase),
  ];
}

/** Phase 2: a 60 s cycle, green 20–50 s into each minute, yellow 4 s, red clearance 2 s. */
function phase2Greens(): HiResLike[] {
  const terminations = [4, 5, 6, 6, 4] as const;
  return terminations.flatMap((t, k) => green(2, 60 * k + 20, 60 * k + 50, 60 * k + 54, t));
}

const detectorOn = (s: number, channel: number): HiResLike => ev(s, 82, channel);
const detectorOff = (s: number, channel: number): HiResLike => ev(s, 81, channel);

const CONFIG: AtspmConfigInput = {
  binMinutes: 1,
  detectors: [
    { channel: 1, phase: 2, kind: "stop-bar" },
    { channel: 3, phase: 2, kind: "stop-bar" },
    // 100 m at 36 km/h: 10 s to the stop bar.
    { channel: 5, phase: 2, kind: "advance", distanceM: 100, speedKmh: 36 },
  ],
};

/** Advance on-events whose arrivals (10 s later) fall: before the first whole cycle, red, green, yellow, green, green. */
const ADVANCE = [20, 50, 80, 102, 140, 150].map((s) => detectorOn(s, 5));

/** Stop-bar occupancy: cycles 1 and 3 (by green) fail; cycle 2 has a busy green but a light red; cycle 0 is empty. */
const STOP_BAR = [
  [75, 108, 1],
  [113, 120, 1],
  [139, 169.5, 1],
  [176, 178, 1],
  [200, 215, 1],
  [212, 229, 3],
  [234, 237, 1],
  [236.5, 240, 3],
].flatMap(([on, off, ch]) => [detectorOn(on, ch), detectorOff(off, ch)]);

function measures(extra: HiResLike[] = [], config: AtspmConfigInput = CONFIG) {
  return computeMeasures(eventLogOf([...phase2Greens(), ...ADVANCE, ...STOP_BAR, ...extra]), config);
}

describe("ATSPM measures from hand-made events", () => {
  it("counts why each green ended (Purdue phase termination)", () => {
    const [p2, p4] = measures(green(4, 0, 15, 19, null)).phaseTermination;
    expect(p2).toMatchObject({ phase: 2, gapOut: 2, maxOut: 1, forceOff: 2, unknown: 0, codes: [4, 5, 6, 6, 4] });
    expect(p2.endsMs).toEqual([50, 110, 170, 230, 290].map(at));
    expect(p4).toMatchObject({ phase: 4, gapOut: 0, maxOut: 0, forceOff: 0, unknown: 1 });
  });

  it("measures each split from begin green to the end of red clearance, against the programmed split", () => {
    // Split change for phase 2 (code 135) between the first and second greens.
    const [p2] = measures([ev(55, 135, 38)]).splitMonitor;
    expect(p2.splitS).toEqual([36, 36, 36, 36, 36]);
    expect(p2.greenS).toEqual([30, 30, 30, 30, 30]);
    expect(p2.programmedSplitS).toEqual([null, 38, 38, 38, 38]);
    expect(p2.p85SplitS).toBe(36);
  });

  it("drops a green cut short without its yellow", () => {
    const [p2] = measures([ev(300, 1, 2)]).splitMonitor;
    expect(p2.greenStartMs).toHaveLength(5);
  });

  it("classifies each shifted advance arrival by the signal it meets", () => {
    const [aog] = measures().arrivalsOnGreen;
    // The arrival at 30 s comes before the first whole red-to-red cycle (which starts at 54 s).
    expect(aog).toMatchObject({ phase: 2, arrivals: 5, onGreen: 3, onYellow: 1, onRed: 1, percentOnGreen: 60 });
    expect(aog.greenToCycle).toBeCloseTo(0.5, 10);
    expect(aog.platoonRatio).toBeCloseTo(1.2, 10);
  });

  it("charges each arrival on red the wait until green (approach delay)", () => {
    const [delay] = measures().approachDelay;
    expect(delay).toMatchObject({ phase: 2, arrivals: 5, arrivalsOnRed: 1, totalDelayS: 20, delayPerVehicleS: 4 });
  });

  it("places arrivals in their red-to-red cycle (coordination diagram)", () => {
    const [pcd] = measures().coordinationDiagram;
    expect(pcd.cycleStartMs).toEqual([54, 114, 174, 234].map(at));
    expect(pcd.greenS).toEqual([26, 26, 26, 26]);
    expect(pcd.yellowS).toEqual([56, 56, 56, 56]);
    expect(pcd.cycleS).toEqual([60, 60, 60, 60]);
    expect(pcd.arrivalSecondInCycle).toEqual([6, 36, 58, 36, 46]);
  });

  it("flags a split failure only when green and first-5-s-of-red occupancy are both above 79 %", () => {
    const [sf] = measures().splitFailures;
    expect(sf.failed).toEqual([false, true, false, true, false]);
    expect(sf.greenOccupancy[1]).toBeCloseTo(28 / 30, 10);
    expect(sf.redOccupancy[1]).toBe(1);
    expect(sf.greenOccupancy[2]).toBeCloseTo(29.5 / 30, 10);
    expect(sf.redOccupancy[2]).toBeCloseTo(0.4, 10);
    // Two lane detectors together: occupied while either is.
    expect(sf.greenOccupancy[3]).toBeCloseTo(29 / 30, 10);
    expect(sf.redOccupancy[3]).toBe(1);
    expect(sf).toMatchObject({ cycles: 5, failures: 2, percentFailed: 40 });
  });

  it("does not count a ratio of exactly 79 % as a failure", () => {
    // A lone cycle: green 0–10 s occupied 7.9 s, red 14–19 s occupied 5 s.
    const events = [...green(6, 0, 10, 14, 4), detectorOn(2.1, 7), detectorOff(14, 7), detectorOn(14, 7), detectorOff(20, 7)];
    const [sf] = computeMeasures(eventLogOf(events), { detectors: [{ channel: 7, phase: 6, kind: "stop-bar" }] }).splitFailures;
    expect(sf.greenOccupancy[0]).toBeCloseTo(0.79, 10);
    expect(sf.failed).toEqual([false]);
  });

  it.each([
    { onS: 14.9, failed: true },
    { onS: 16.1, failed: false },
  ])("fails a used green when a vehicle stops on the bar in the first second of red, as ATSPM does, queue left or not (on at $onS s)", ({ onS, failed }) => {
    // Green 0–10 s used throughout, the bar empty through the yellow (nothing left), red from 14 s:
    // the occupancy cannot tell a vehicle arriving on the red from one the green failed to serve.
    const events = [...green(6, 0, 10, 14, 4), detectorOn(0, 7), detectorOff(10, 7), detectorOn(onS, 7), detectorOff(40, 7)];
    const [sf] = computeMeasures(eventLogOf(events), { detectors: [{ channel: 7, phase: 6, kind: "stop-bar" }] }).splitFailures;
    expect(sf.greenOccupancy[0]).toBe(1);
    expect(sf.redOccupancy[0]).toBeCloseTo((19 - onS) / 5, 10);
    expect(sf.failed).toEqual([failed]);
  });

  it("counts stop-bar actuations in yellow, red clearance and red", () => {
    const [ry] = measures().redYellowActuations;
    expect(ry).toMatchObject({ phase: 2, onYellow: 1, onRedClearance: 1, onRed: 4 });
    expect(ry.secondsSinceRed).toEqual([21, -1, 25, 2, 0, 2.5]);
  });

  it("bins approach volume from the advance detector when the phase has one", () => {
    const [vol] = measures().approachVolume;
    expect(vol.detectorKind).toBe("advance");
    expect(vol.counts.slice(0, 3)).toEqual([2, 2, 2]);
    expect(vol.flowVehPerHour[0]).toBe(120);
    expect(vol.total).toBe(6);
  });

  it("times pedestrian delay from the first call to the walk", () => {
    const ped = measures([ev(10, 45, 4), ev(15, 45, 4), ev(40, 21, 4), ev(100, 21, 4), ev(110, 45, 4), ev(120, 21, 4)]).pedestrianDelay;
    expect(ped).toEqual([{ phase: 4, walkMs: [at(40), at(120)], delayS: [30, 10], averageDelayS: 20, maxDelayS: 30 }]);
  });

  it("leaves a cycle out when the red lasted longer than the longest cycle (flash)", () => {
    const events = [...green(2, 0, 30, 34, 4), ...green(2, 1000, 1030, 1034, 4), ...green(2, 1060, 1090, 1094, 4)];
    const [pcd] = computeMeasures(eventLogOf(events), { maxCycleS: 300 }).coordinationDiagram;
    expect(pcd.cycleStartMs).toEqual([at(1034)]);
  });

  it("sorts events given out of order, keeping the order of events at the same time", () => {
    const inOrder = [...phase2Greens(), ...ADVANCE, ...STOP_BAR];
    const shuffled = [...inOrder].reverse();
    // Reversing swaps same-time events (4 then 8; 9 then 10): sort those back only by time.
    const log = eventLogOf([...inOrder].sort((a, b) => a.ts - b.ts));
    const fromShuffled = eventLogOf(shuffled);
    expect(Array.from(fromShuffled.tsMs)).toEqual(Array.from(log.tsMs));
    const a = eventLogOf([ev(1, 4, 2), ev(0, 1, 2), ev(1, 8, 2)]);
    expect(Array.from(a.code)).toEqual([1, 4, 8]);
  });

  it("refuses a detector channel configured twice, naming it", () => {
    expect(() => computeMeasures(eventLogOf([]), { detectors: [{ channel: 1, phase: 2, kind: "stop-bar" }, { channel: 1, phase: 4, kind: "stop-bar" }] })).toThrow(
      /channel 1 is configured twice/,
    );
  });

  it("writes ATSPM's CSV import format", () => {
    const csv = toAtspmCsv("1001", eventLogOf([ev(0.25, 1, 2), ev(1, 82, 5)]));
    expect(csv).toBe("SignalId,Timestamp,EventCode,EventParam\n1001,2026-01-05 07:00:00.250,1,2\n1001,2026-01-05 07:00:01.000,82,5\n");
  });
});

describe("ATSPM measures per approach", () => {
  it("charts a phase serving two approaches once per approach, pooling only each approach's lanes", () => {
    // Phase 2 serves E and W: E's stop bar is busy through green and red, W's is empty.
    const events = [...green(2, 0, 30, 34, 4), ...green(2, 60, 90, 94, 4), detectorOn(59, 1), detectorOff(100, 1), detectorOn(70, 2), detectorOff(71, 2)];
    const m = computeMeasures(eventLogOf(events), {
      detectors: [
        { channel: 1, phase: 2, kind: "stop-bar", approachId: "E" },
        { channel: 2, phase: 2, kind: "stop-bar", approachId: "W" },
      ],
    });
    expect(m.splitFailures.map((s) => [s.approachId, s.failed])).toEqual([
      ["E", [false, true]],
      ["W", [false, false]],
    ]);
  });

  it("computes one measure alone exactly as it comes among all of them", () => {
    const log = eventLogOf([...phase2Greens(), ...ADVANCE, ...STOP_BAR]);
    const all = computeMeasures(log, CONFIG);
    for (const name of MEASURE_NAMES) expect(computeMeasure(log, name, CONFIG), name).toEqual(all[name]);
  });
});
