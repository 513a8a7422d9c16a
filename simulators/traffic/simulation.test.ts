import { describe, expect, it } from "vitest";
import type { SignalState, VehicleClass } from "../../protocol/index.js";
import type { Leg, Turn } from "./geometry.js";
import { parseScenario, type Scenario } from "./scenario.js";
import type { SignalSource } from "./signal-source.js";
import { TrafficSimulation } from "./simulation.js";
import type { StopLineCrossing } from "./views.js";

type Script = (approach: Leg, turn: Turn, tS: number) => SignalState;
const scripted = (script: Script): SignalSource => ({ stateOf: (_id, approach, turn, tS) => script(approach, turn, tS) });

interface Fixture {
  westLanes?: { through: number; left?: number };
  westVehPerHour: number;
  westTurning?: { through: number; left?: number };
  eastVehPerHour?: number;
  classMix?: Partial<Record<VehicleClass, number>>;
  lengthM?: number;
}

/** One intersection, traffic on W (heading east) and E (heading west); the test scripts the signals. */
function fixture(f: Fixture): Scenario {
  const westLanes = f.westLanes ?? { through: 1 };
  const westMovements: { approach: Leg; turn: Turn }[] = [{ approach: "W", turn: "through" }];
  if ((f.westTurning?.left ?? 0) > 0) westMovements.push({ approach: "W", turn: "left" });
  const demand: { intersectionId: string; approach: Leg; profile: { tS: number; vehPerHour: number }[] }[] = [
    { intersectionId: "x", approach: "W", profile: [{ tS: 0, vehPerHour: f.westVehPerHour }] },
  ];
  if (f.eastVehPerHour !== undefined) demand.push({ intersectionId: "x", approach: "E", profile: [{ tS: 0, vehPerHour: f.eastVehPerHour }] });
  return parseScenario({
    name: "fixture",
    classMix: f.classMix ?? { car: 1 },
    intersections: [
      {
        id: "x",
        position: { xM: 0, yM: 0 },
        approaches: {
          W: { lanes: westLanes, lengthM: f.lengthM ?? 200, speedLimitKmh: 50, turning: f.westTurning ?? { through: 1 } },
          E: { lanes: { through: 1 }, lengthM: f.lengthM ?? 200, speedLimitKmh: 50, turning: { through: 1 } },
        },
        phases: [
          { phase: 2, movements: westMovements },
          { phase: 6, movements: [{ approach: "E", turn: "through" }] },
        ],
      },
    ],
    demand,
  });
}

function run(sim: TrafficSimulation, untilS: number, dtS = 0.5, each?: (crossings: StopLineCrossing[]) => void): StopLineCrossing[] {
  const all: StopLineCrossing[] = [];
  while (sim.timeS < untilS - 1e-9) {
    const crossings = sim.step(dtS);
    each?.(crossings);
    all.push(...crossings);
  }
  return all;
}

const greenFrom = (startS: number): Script => (_a, _t, tS) => (tS >= startS ? "G" : "R");

describe("saturation discharge", () => {
  it.each([0.5, 0.1])("discharges a long queue at about 1800 veh/h per lane (step %s s)", (dtS) => {
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 3000, lengthM: 100 }), scripted(greenFrom(300)));
    const crossings = run(sim, 900, dtS).filter((c) => c.approach === "W");
    const ratePerHour = (crossings.length * 3600) / 600;
    expect(ratePerHour).toBeGreaterThan(1620);
    expect(ratePerHour).toBeLessThan(1980);
    // The first stopped vehicle moves only after the start-up lost time.
    expect(crossings[0].tS).toBeGreaterThanOrEqual(302 - 1e-9);
    expect(crossings[0].tS).toBeLessThan(302.5);
  });

  it("discharges two lanes at twice the rate of one", () => {
    const sim = new TrafficSimulation(fixture({ westLanes: { through: 2 }, westVehPerHour: 6000, lengthM: 100 }), scripted(greenFrom(300)));
    const crossings = run(sim, 900).filter((c) => c.approach === "W");
    const ratePerHour = (crossings.length * 3600) / 600;
    expect(ratePerHour).toBeGreaterThan(3240);
    expect(ratePerHour).toBeLessThan(3960);
    expect(new Set(crossings.map((c) => c.lane))).toEqual(new Set([0, 1]));
  });

  it("takes one and a half times the headway for trucks", () => {
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 3000, classMix: { truck: 1 }, lengthM: 100 }), scripted(greenFrom(300)));
    const crossings = run(sim, 900).filter((c) => c.approach === "W");
    const ratePerHour = (crossings.length * 3600) / 600;
    expect(ratePerHour).toBeGreaterThan(1080);
    expect(ratePerHour).toBeLessThan(1320);
    expect(crossings.every((c) => c.class === "truck")).toBe(true);
  });
});

describe("signal obedience", () => {
  it("never lets a vehicle cross on red, however long the queue", () => {
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 900, eastVehPerHour: 900 }), scripted((a) => (a === "W" ? "R" : "G")));
    const crossings = run(sim, 600);
    expect(crossings.filter((c) => c.approach === "W")).toHaveLength(0);
    expect(crossings.filter((c) => c.approach === "E").length).toBeGreaterThan(100);
    const west = sim.approachMetrics().find((m) => m.approach === "W");
    expect(west?.maxQueueVeh).toBeGreaterThan(100);
  });

  it("lets vehicles enter only in the first seconds of yellow, and no stopped vehicle starts on yellow", () => {
    // 30 s green, 4 s yellow, 26 s red, over and over.
    const cycle: Script = (_a, _t, tS) => {
      const c = tS % 60;
      return c < 30 ? "G" : c < 34 ? "Y" : "R";
    };
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 1500 }), scripted(cycle));
    const crossings = run(sim, 1200);
    expect(crossings.length).toBeGreaterThan(250);
    for (const c of crossings) expect(c.tS % 60).toBeLessThan(32);
    // Demand near capacity: some vehicles do use the start of yellow.
    expect(crossings.some((c) => c.tS % 60 >= 30)).toBe(true);
    // A fresh red-to-yellow never releases a stopped queue.
    const stoppedOnlySim = new TrafficSimulation(fixture({ westVehPerHour: 1500 }), scripted((_a, _t, tS) => (tS < 100 ? "R" : "Y")));
    expect(run(stoppedOnlySim, 200)).toHaveLength(0);
  });

  it("lets a permissive left turn go only in gaps of opposing through traffic", () => {
    const scenario = fixture({ westLanes: { through: 1, left: 1 }, westVehPerHour: 900, westTurning: { through: 1, left: 2 }, eastVehPerHour: 1400 });
    const sim = new TrafficSimulation(scenario, scripted(() => "G"));
    const crossings = run(sim, 1200);
    const opposing = crossings.filter((c) => c.approach === "E").map((c) => c.tS);
    const lefts = crossings.filter((c) => c.approach === "W" && c.turn === "left").map((c) => c.tS);
    expect(lefts.length).toBeGreaterThan(5);
    for (const tL of lefts) {
      for (const tO of opposing) {
        // The critical gap is 4.5 s: 1 s behind one opposing vehicle, 3.5 s ahead of the next.
        expect(tO <= tL - 1 + 1e-9 || tO >= tL + 3.5 - 1e-9).toBe(true);
      }
    }
    // With the opposing approach held on red, the same lefts flow freely.
    const protectedSim = new TrafficSimulation(scenario, scripted((a) => (a === "E" ? "R" : "G")));
    const protectedLefts = run(protectedSim, 1200).filter((c) => c.approach === "W" && c.turn === "left");
    expect(protectedLefts.length).toBeGreaterThan(lefts.length * 1.3);
  });

  it("treats a flashing red as an all-way stop: every vehicle stops, one at a time, each approach in turn", () => {
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 300, eastVehPerHour: 300 }), scripted(() => "FR"));
    const crossings = run(sim, 900);
    const west = crossings.filter((c) => c.approach === "W").length;
    const east = crossings.filter((c) => c.approach === "E").length;
    expect(west).toBeGreaterThan(40);
    expect(east).toBeGreaterThan(40);
    const times = crossings.map((c) => c.tS).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(2.5 - 1e-9);
    expect(sim.summary().stopsPerVehicle).toBe(1);
  });
});

describe("measures", () => {
  it("records no delay and no stops for vehicles that never meet a red, and both once a red appears", () => {
    const free = new TrafficSimulation(fixture({ westVehPerHour: 300 }), scripted(() => "G"));
    run(free, 900);
    expect(free.summary().throughputVeh).toBeGreaterThan(50);
    expect(free.summary().avgDelayS).toBeLessThan(1);
    expect(free.summary().stopsPerVehicle).toBe(0);

    const cycle: Script = (_a, _t, tS) => (tS % 60 < 30 ? "G" : "R");
    const signalised = new TrafficSimulation(fixture({ westVehPerHour: 300 }), scripted(cycle));
    run(signalised, 900);
    // Half the vehicles arrive on red and wait 15 s on average: about 7.5 s of delay each.
    expect(signalised.summary().avgDelayS).toBeGreaterThan(4);
    expect(signalised.summary().avgDelayS).toBeLessThan(12);
    expect(signalised.summary().stopsPerVehicle).toBeGreaterThan(0.3);
    expect(signalised.summary().stopsPerVehicle).toBeLessThanOrEqual(1);
  });

  it("reports queues in the snapshot that match the approach's queue and its maximum", () => {
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 900, lengthM: 60 }), scripted(() => "R"));
    run(sim, 300);
    const west = sim.snapshot().intersections[0].approaches.find((a) => a.approach === "W");
    if (west === undefined) throw new Error("no W approach in snapshot");
    const lane = west.lanes[0];
    expect(lane.queueVeh).toBe(lane.vehicles.filter((v) => v.queued).length);
    expect(lane.queueVeh).toBeGreaterThan(50);
    // Under a steady red the queue only grows, so its maximum is now.
    expect(sim.summary().maxQueueVeh).toBe(west.queueVeh);
    // Cars of 4.5 m with 2 m gaps, nose to tail from the stop line.
    expect(lane.queueLengthM).toBeCloseTo(lane.queueVeh * 6.5 - 2, 5);
    expect(lane.vehicles[0].distanceM).toBe(0);
    expect(lane.vehicles[0].stopped).toBe(true);
    // One lane serves all three turns, so each turn's state is reported.
    expect(west.signals).toEqual({ through: "R", left: "R", right: "R" });
  });

  it("rejects a step that is not a positive number of seconds", () => {
    const sim = new TrafficSimulation(fixture({ westVehPerHour: 100 }), scripted(() => "G"));
    expect(() => sim.step(0)).toThrow(/dtS/);
    expect(() => sim.step(Number.NaN)).toThrow(/dtS/);
  });
});

describe("same seed, same demand", () => {
  it("meets every signal policy with the same vehicles: arrivals and drivers' choices do not depend on the signals", async () => {
    const { loadScenario } = await import("./load-scenario.js");
    const { FixedTimeSignals } = await import("./fixed-time-signals.js");
    const corridor = await loadScenario("corridor");
    const run = (signals: SignalSource) => {
      const sim = new TrafficSimulation(corridor, signals, { seed: 11 });
      const exits: string[] = [];
      for (let t = 0; t < 900; t++) for (const c of sim.step(1)) exits.push(`${c.intersectionId}/${c.approach}/${c.turn}`);
      return { entered: sim.summary().vehiclesEntered, crossings: exits.sort(), delayS: sim.summary().avgDelayS };
    };
    const short = run(new FixedTimeSignals(corridor, { plan: { cycleS: 50 } }));
    const long = run(new FixedTimeSignals(corridor, { plan: { cycleS: 110 } }));
    const mainOnly = run(scripted((approach) => (approach === "E" || approach === "W" ? "G" : "R")));
    expect(long.delayS).not.toBeCloseTo(short.delayS, 0); // the policies differ…
    expect(long.entered).toBe(short.entered); // …the traffic does not
    expect(mainOnly.entered).toBe(short.entered);
    // Vehicles that crossed the first stop line on the main street, by turn, under both timings:
    const firstWest = (x: { crossings: string[] }) => x.crossings.filter((c) => c.startsWith("main-1st/W/")).length;
    expect(Math.abs(firstWest(long) - firstWest(short))).toBeLessThan(firstWest(short) * 0.1);
  });
});
