import { describe, expect, it } from "vitest";
import { SUBSCRIPTION_RESPONSE, DOMAIN, SubscriptionResults, VAR, type TraciValue } from "../traci/index.js";
import { DetectorReader } from "./detector-reader.js";
import { VehicleWatch } from "./vehicle-watch.js";
import { loopTransitions, loopVehiclesOf } from "./loop-passages.js";

const EPOCH = 1_000_000;

/** SUMO's lastStepVehicleData compound for the given vehicles (leave −1: still on the loop). */
function vehicleData(...vs: [id: string, entryS: number, leaveS: number][]): TraciValue {
  return [vs.length, ...vs.flatMap(([id, entryS, leaveS]) => [id, 5, entryS, leaveS, "car"])];
}

function stepResults(loops: Record<string, TraciValue>): SubscriptionResults {
  const r = new SubscriptionResults();
  for (const [id, value] of Object.entries(loops)) r.add(SUBSCRIPTION_RESPONSE + DOMAIN.inductionLoop, id, new Map([[VAR.lastStepVehicleData, value]]));
  return r;
}

describe("loop passages from SUMO's vehicle data", () => {
  it("stamps a vehicle that crossed the loop within the step with its entry and leave times", () => {
    expect(loopTransitions([{ id: "a", entryS: 10.2, leaveS: 10.6 }], false, 10, 11)).toEqual({
      transitions: [
        { on: true, atS: 10.2 },
        { on: false, atS: 10.6 },
      ],
      on: false,
    });
  });

  it("keeps a loop on across steps while its vehicle stays, and turns it off when it leaves", () => {
    const first = loopTransitions([{ id: "a", entryS: 10.5, leaveS: null }], false, 10, 11);
    expect(first).toEqual({ transitions: [{ on: true, atS: 10.5 }], on: true });
    expect(loopTransitions([{ id: "a", entryS: 10.5, leaveS: null }], true, 11, 12)).toEqual({ transitions: [], on: true });
    expect(loopTransitions([{ id: "a", entryS: 10.5, leaveS: 12.3 }], true, 12, 13)).toEqual({ transitions: [{ on: false, atS: 12.3 }], on: false });
  });

  it("reports the gap between two vehicles in one step, and one on period for overlapping ones", () => {
    const gap = loopTransitions(
      [
        { id: "b", entryS: 10.7, leaveS: 10.9 },
        { id: "a", entryS: 10.1, leaveS: 10.3 },
      ],
      false,
      10,
      11,
    );
    expect(gap.transitions.map((t) => [t.on, t.atS])).toEqual([
      [true, 10.1],
      [false, 10.3],
      [true, 10.7],
      [false, 10.9],
    ]);
    const overlap = loopTransitions(
      [
        { id: "a", entryS: 10.1, leaveS: 10.5 },
        { id: "b", entryS: 10.4, leaveS: null },
      ],
      false,
      10,
      11,
    );
    expect(overlap).toEqual({ transitions: [{ on: true, atS: 10.1 }], on: true });
  });

  it("turns the loop off at the step's start when the vehicle that held it is gone (teleported)", () => {
    expect(loopTransitions([], true, 20, 21)).toEqual({ transitions: [{ on: false, atS: 20 }], on: false });
  });

  it("refuses vehicle data of another shape, naming the loop", () => {
    expect(() => loopVehiclesOf([2, "a", 5, 1, -1, "car"], "A0/x.stop")).toThrow(/A0\/x\.stop.*five fields/);
    expect(() => loopVehiclesOf([1, "a", "5", 1, -1, "car"], "A0/x.stop")).toThrow(/vehicle data\[0\]/);
    expect(loopVehiclesOf(vehicleData(["a", 1.5, -1]), "l")).toEqual([{ id: "a", entryS: 1.5, leaveS: null }]);
  });
});

describe("DetectorReader", () => {
  const reader = () =>
    new DetectorReader(
      {
        intersectionId: "A0",
        detectors: [
          { id: "n.stop", kind: "stop", lane: "n_0", posM: 99, approachId: "n" },
          { id: "n.adv", kind: "advance", lane: "n_0", posM: 70, approachId: "n" },
        ],
      },
      EPOCH,
    );

  it("gives each loop change the time it happened, not the end of the step (the controller's passage timers start there)", () => {
    const r = reader();
    const step1 = r.read(stepResults({ "A0/n.adv": vehicleData(["a", 0.3, 0.6]), "A0/n.stop": vehicleData() }), EPOCH + 1000);
    expect(step1.loopEvents.map((e) => [e.zoneId, e.state, e.tMs])).toEqual([
      ["n.adv", "on", EPOCH + 300],
      ["n.adv", "off", EPOCH + 600],
    ]);
    expect(step1.counts).toEqual([]);
    const step2 = r.read(stepResults({ "A0/n.adv": vehicleData(), "A0/n.stop": vehicleData(["a", 2.7, -1]) }), EPOCH + 3000);
    expect(step2.loopEvents.map((e) => [e.zoneId, e.state, e.tMs])).toEqual([["n.stop", "on", EPOCH + 2700]]);
    expect(step2.counts).toEqual([{ approachId: "n" }]);
    const step3 = r.read(stepResults({ "A0/n.adv": vehicleData(), "A0/n.stop": vehicleData(["a", 2.7, 3.1]) }), EPOCH + 4000);
    expect(step3.loopEvents.map((e) => [e.zoneId, e.state, e.tMs])).toEqual([["n.stop", "off", EPOCH + 3100]]);
    // The same vehicle still reported on the loop is not counted again.
    expect(step3.counts).toEqual([]);
  });

  it("orders one step's changes across loops by time", () => {
    const r = reader();
    const step = r.read(stepResults({ "A0/n.stop": vehicleData(["a", 0.8, 0.9]), "A0/n.adv": vehicleData(["b", 0.1, 0.2]) }), EPOCH + 1000);
    expect(step.loopEvents.map((e) => e.tMs)).toEqual([EPOCH + 100, EPOCH + 200, EPOCH + 800, EPOCH + 900]);
  });
});

describe("DetectorReader: a lane-area detector as the controller's area detector", () => {
  const vehicle = (laneId: string, lanePosM: number, timeLossS: number): Map<number, TraciValue> =>
    new Map<number, TraciValue>([
      [VAR.laneId, laneId],
      [VAR.lanePosition, lanePosM],
      [VAR.timeLoss, timeLossS],
    ]);
  const step = (ids: string[], vehicles: Record<string, Map<number, TraciValue>>): SubscriptionResults => {
    const r = new SubscriptionResults();
    r.add(SUBSCRIPTION_RESPONSE + DOMAIN.laneArea, "A0/n.queue", new Map<number, TraciValue>([[VAR.lastStepHaltingNumber, 0], [VAR.lastStepOccupancy, 0], [VAR.lastStepVehicleIds, ids]]));
    for (const [id, v] of Object.entries(vehicles)) r.add(SUBSCRIPTION_RESPONSE + DOMAIN.vehicle, id, v);
    return r;
  };

  it("reports each vehicle's delay since it entered the area and its time to the stop line, from the step after it was first seen", async () => {
    const watch = new VehicleWatch();
    const subscribed: string[] = [];
    const client = {
      subscribe: async (_domain: string, id: string) => {
        subscribed.push(id);
        return vehicle("n_0", 10, 3);
      },
    };
    const r = new DetectorReader(
      { intersectionId: "A0", detectors: [{ id: "n.queue", kind: "queue", lane: "n_0", posM: 0, lengthM: 100, approachId: "n" }] },
      EPOCH,
      { watch, laneSpeedMps: () => 10 },
    );
    expect(r.subscriptions().find((s) => s.domain === "laneArea")?.variables).toContain(VAR.lastStepVehicleIds);
    let results = step(["a"], {});
    watch.update(results);
    expect(r.read(results, EPOCH + 1000).areas).toEqual([{ zoneId: "n.queue", vehicles: [] }]);
    await watch.subscribeWanted(client);
    expect(subscribed).toEqual(["a"]);
    // Its time loss when the area first had its values (3 s) is the baseline: delay within the area 0.
    results = step(["a"], { a: vehicle("n_0", 50, 3) });
    watch.update(results);
    expect(r.read(results, EPOCH + 2000).areas).toEqual([{ zoneId: "n.queue", vehicles: [{ delayS: 0, toStopLineS: 5 }] }]);
    results = step(["a"], { a: vehicle("n_0", 55, 5.5) });
    watch.update(results);
    expect(r.read(results, EPOCH + 3000).areas).toEqual([{ zoneId: "n.queue", vehicles: [{ delayS: 2.5, toStopLineS: 4.5 }] }]);
    // Into the junction (another lane): no longer the area's.
    results = step(["a"], { a: vehicle(":A0_0_0", 1, 6) });
    watch.update(results);
    expect(r.read(results, EPOCH + 4000).areas).toEqual([{ zoneId: "n.queue", vehicles: [] }]);
    await watch.subscribeWanted(client);
    expect(subscribed).toEqual(["a"]);
  });

  it("reads no vehicles without a watch (a light that does not extend greens from its areas)", () => {
    const r = new DetectorReader({ intersectionId: "A0", detectors: [{ id: "n.queue", kind: "queue", lane: "n_0", posM: 0, lengthM: 100, approachId: "n" }] }, EPOCH);
    expect(r.subscriptions()[0]?.variables).not.toContain(VAR.lastStepVehicleIds);
    expect(r.read(step([], {}), EPOCH + 1000).areas).toEqual([]);
  });
});
