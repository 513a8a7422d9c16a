import type { SignalState, VehicleClass } from "../../protocol/index.js";
import type { Leg, Turn } from "./geometry.js";

/** A vehicle crossing a stop line: the ground truth for stop-line counts. */
export interface StopLineCrossing {
  tS: number;
  intersectionId: string;
  approach: Leg;
  turn: Turn;
  lane: number;
  vehicleId: number;
  class: VehicleClass;
}

export interface VehicleView {
  id: number;
  class: VehicleClass;
  turn: Turn;
  lengthM: number;
  /** Distance from the vehicle's front to the stop line; beyond the approach's lengthM it is still on the upstream link. */
  distanceM: number;
  speedMps: number;
  stopped: boolean;
  /** In the queue at the stop line (stopped, or moving up in a queue that is discharging). */
  queued: boolean;
  /** Simulated second at which it would have reached this approach's stop line had nothing held it up: ground truth for arrivals on green. */
  freeArrivalS: number;
}

export interface LaneView {
  /** 0 is the lane nearest the median. */
  index: number;
  turns: readonly Turn[];
  queueVeh: number;
  /** From the stop line to the back of the last queued vehicle. */
  queueLengthM: number;
  vehicles: VehicleView[];
}

export interface ApproachView {
  approach: Leg;
  lengthM: number;
  /** The state the simulation last saw for each turn; null where no lane serves the turn. */
  signals: Record<Turn, SignalState | null>;
  queueVeh: number;
  lanes: LaneView[];
}

export interface IntersectionView {
  id: string;
  position: { xM: number; yM: number };
  approaches: ApproachView[];
}

export interface NetworkSnapshot {
  tS: number;
  intersections: IntersectionView[];
}

export interface ApproachMetrics {
  intersectionId: string;
  approach: Leg;
  crossings: number;
  queueVeh: number;
  maxQueueVeh: number;
}

/** Stops are over vehicles that left the network; delay is given both ways. */
export interface SimulationSummary {
  /** Over every vehicle that entered: those that left, and those still in the network with their delay so far. */
  avgDelayS: number;
  /** Over the vehicles that left the network only. */
  avgDelayExitedS: number;
  stopsPerVehicle: number;
  maxQueueVeh: number;
  throughputVeh: number;
  vehiclesEntered: number;
  vehiclesInNetwork: number;
}
