import { describe, expect, it } from "vitest";
import { FixedTimeSignals } from "./fixed-time-signals.js";
import { loadScenario } from "./load-scenario.js";
import type { Scenario } from "./scenario.js";
import type { SignalSource } from "./signal-source.js";
import { TrafficSimulation } from "./simulation.js";
import type { StopLineCrossing } from "./views.js";

const corridor = await loadScenario("corridor");

function runFor(sim: TrafficSimulation, durationS: number, dtS = 0.5): StopLineCrossing[] {
  const all: StopLineCrossing[] = [];
  while (sim.timeS < durationS - 1e-9) all.push(...sim.step(dtS));
  return all;
}

function vehiclesIn(sim: TrafficSimulation): number[] {
  const ids: number[] = [];
  for (const x of sim.snapshot().intersections) {
    for (const a of x.approaches) for (const lane of a.lanes) for (const v of lane.vehicles) ids.push(v.id);
  }
  return ids;
}

describe("bundled scenarios", () => {
  it.each(["single", "corridor", "grid"])("loads %s and runs 600 simulated seconds in well under a second of CPU", async (name) => {
    const scenario = await loadScenario(name);
    const sim = new TrafficSimulation(scenario, new FixedTimeSignals(scenario));
    const before = process.cpuUsage();
    const crossings = runFor(sim, 600);
    const cpu = process.cpuUsage(before);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1500);
    expect(sim.summary().throughputVeh).toBeGreaterThan(50);
    // Every intersection passes traffic.
    for (const x of scenario.intersections) expect(crossings.some((c) => c.intersectionId === x.id)).toBe(true);
  });

  it("runs a full hour of the corridor at a 0.5 s step in a few hundred milliseconds of CPU", () => {
    const sim = new TrafficSimulation(corridor, new FixedTimeSignals(corridor));
    const before = process.cpuUsage();
    runFor(sim, 3600);
    const cpu = process.cpuUsage(before);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(3000);
    expect(sim.summary().throughputVeh).toBeGreaterThan(2500);
  });
});

describe("conservation", () => {
  it.each(["corridor", "grid"])("accounts for every vehicle on %s at every step: entered = exited + in the network", async (name) => {
    const scenario: Scenario = await loadScenario(name);
    const sim = new TrafficSimulation(scenario, new FixedTimeSignals(scenario));
    let exitedSeen = 0;
    while (sim.timeS < 600) {
      sim.step(0.5);
      const ids = vehiclesIn(sim);
      const s = sim.summary();
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(s.vehiclesInNetwork);
      expect(s.vehiclesEntered).toBe(s.throughputVeh + ids.length);
      expect(s.throughputVeh).toBeGreaterThanOrEqual(exitedSeen);
      exitedSeen = s.throughputVeh;
    }
    expect(exitedSeen).toBeGreaterThan(100);
  });
});

describe("determinism", () => {
  it("gives identical results for the same seed and steps, and different ones for another seed", () => {
    const runOnce = (seed?: number) => {
      const sim = new TrafficSimulation(corridor, new FixedTimeSignals(corridor), seed === undefined ? {} : { seed });
      const crossings = runFor(sim, 900);
      return { crossings, summary: sim.summary(), snapshot: sim.snapshot() };
    };
    const a = runOnce();
    const b = runOnce();
    const c = runOnce(corridor.seed + 1);
    expect(a.crossings.length).toBeGreaterThan(500);
    expect(b).toEqual(a);
    expect(c.crossings).not.toEqual(a.crossings);
  });
});

describe("signals on the corridor", () => {
  it("never lets a vehicle cross on red, and enters on yellow only early in it", () => {
    const inner = new FixedTimeSignals(corridor);
    const seen = new Map<string, { state: string; sinceS: number }>();
    const recorder: SignalSource = {
      stateOf(id, approach, turn, tS) {
        const state = inner.stateOf(id, approach, turn, tS);
        const key = `${id}/${approach}/${turn}`;
        if (seen.get(key)?.state !== state) seen.set(key, { state, sinceS: tS });
        return state;
      },
    };
    const sim = new TrafficSimulation(corridor, recorder);
    let yellowEntries = 0;
    let checked = 0;
    while (sim.timeS < 900) {
      for (const c of sim.step(0.5)) {
        const shown = seen.get(`${c.intersectionId}/${c.approach}/${c.turn}`);
        expect(shown?.state).toMatch(/^[GY]$/);
        if (shown?.state === "Y") {
          yellowEntries++;
          expect(c.tS - shown.sinceS).toBeLessThan(2);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(yellowEntries).toBeGreaterThan(0);
  });

  it("takes about distance / speed to travel between neighbouring intersections, with some dispersion", () => {
    const allGreen: SignalSource = { stateOf: () => "G" };
    const sim = new TrafficSimulation(corridor, allGreen);
    const crossings = runFor(sim, 1200);
    const [first, second] = corridor.intersections;
    const link = corridor.links.find((l) => l.from.intersectionId === first.id && l.from.exit === "E");
    if (link === undefined) throw new Error("corridor has no eastbound link from its first intersection");
    const freeFlowS = link.distanceM / (link.speedKmh / 3.6);
    const leftFirst = new Map<number, number>();
    for (const c of crossings) {
      if (c.intersectionId === first.id && c.approach === "W" && c.turn === "through") leftFirst.set(c.vehicleId, c.tS);
    }
    const travelS: number[] = [];
    for (const c of crossings) {
      const t0 = leftFirst.get(c.vehicleId);
      if (c.intersectionId === second.id && c.approach === "W" && t0 !== undefined) travelS.push(c.tS - t0);
    }
    travelS.sort((x, y) => x - y);
    expect(travelS.length).toBeGreaterThan(100);
    const median = travelS[Math.floor(travelS.length / 2)];
    expect(median).toBeGreaterThan(freeFlowS * 0.9);
    expect(median).toBeLessThan(freeFlowS * 1.1);
    // Drivers differ a little, so a platoon spreads out on the way.
    expect(travelS[Math.floor(travelS.length * 0.9)] - travelS[Math.floor(travelS.length * 0.1)]).toBeGreaterThan(0.5);
  });
});
