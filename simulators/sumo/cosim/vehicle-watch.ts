import { VAR, type SubscriptionResults, type TraciClient } from "../traci/index.js";

/** What the co-simulation reads of a vehicle an area detector sees. */
export interface WatchedVehicle {
  laneId: string;
  lanePosM: number;
  timeLossS: number;
}

/**
 * Vehicles the lane-area detectors have seen, subscribed once each (their lane, position and
 * time loss come back with every step; SUMO drops a subscription when its vehicle leaves the
 * net). A vehicle first seen in a step is subscribed after it and read from the next step on.
 */
export class VehicleWatch {
  private readonly latest = new Map<string, WatchedVehicle>();
  private readonly wanted = new Set<string>();

  /** The vehicle's values from the last step, or undefined (not subscribed yet: asked for). */
  get(id: string): WatchedVehicle | undefined {
    const v = this.latest.get(id);
    if (v === undefined) this.wanted.add(id);
    return v;
  }

  /** Take this step's values; a vehicle without any has left the net. */
  update(results: SubscriptionResults): void {
    for (const id of [...this.latest.keys()]) {
      const v = valuesOf(results.of("vehicle", id));
      if (v === undefined) this.latest.delete(id);
      else this.latest.set(id, v);
    }
  }

  /** Subscribe the vehicles asked for since the last call (one round trip each, once per vehicle). */
  async subscribeWanted(client: Pick<TraciClient, "subscribe">): Promise<void> {
    for (const id of this.wanted) {
      const v = valuesOf(await client.subscribe("vehicle", id, VEHICLE_VARIABLES));
      if (v !== undefined) this.latest.set(id, v);
    }
    this.wanted.clear();
  }
}

const VEHICLE_VARIABLES = [VAR.laneId, VAR.lanePosition, VAR.timeLoss];

function valuesOf(values: ReadonlyMap<number, unknown> | undefined): WatchedVehicle | undefined {
  if (values === undefined) return undefined;
  const laneId = values.get(VAR.laneId);
  const lanePosM = values.get(VAR.lanePosition);
  const timeLossS = values.get(VAR.timeLoss);
  if (typeof laneId !== "string" || typeof lanePosM !== "number" || typeof timeLossS !== "number") return undefined;
  return { laneId, lanePosM, timeLossS };
}
