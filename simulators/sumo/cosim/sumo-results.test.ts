import { describe, expect, it } from "vitest";
import { summariseTrips } from "./sumo-results.js";

const trips = `<tripinfos>
  <tripinfo id="a" depart="0" departDelay="1" arrival="60" duration="60" waitingTime="10" waitingCount="1" timeLoss="20"/>
  <tripinfo id="b" depart="5" departDelay="3" arrival="-1.00" duration="95" waitingTime="50" waitingCount="3" timeLoss="56"/>
</tripinfos>`;
const stats = `<statistics><vehicles loaded="3" inserted="2" running="1" waiting="1"/><teleports total="2" jam="2" yield="0" wrongLane="0"/></statistics>`;

describe("results from SUMO's tripinfo and statistics", () => {
  it("averages timeLoss + departDelay over every vehicle, unfinished included", () => {
    expect(summariseTrips(trips, stats)).toEqual({
      avgDelayS: 40,
      avgWaitingS: 30,
      stopsPerVehicle: 2,
      throughputVeh: 1,
      vehiclesEntered: 2,
      vehiclesUnfinished: 2,
      teleports: 2,
    });
  });

  it("refuses outputs that are not SUMO's", () => {
    expect(() => summariseTrips(trips, "<statistics/>")).toThrow(/statistics/);
  });
});
