export { Scenario, parseScenario, laneServes } from "./scenario.js";
export type {
  ScenarioInput,
  ScenarioIntersection,
  ScenarioApproach,
  ScenarioPhase,
  ScenarioLink,
  ScenarioDemand,
  LaneCounts,
} from "./scenario.js";
export { loadScenario, parseScenarioText, bundledScenarioDir, bundledScenarioNames } from "./load-scenario.js";
export { TrafficSimulation, type SimulationOptions } from "./simulation.js";
export type { SignalSource } from "./signal-source.js";
export { FixedTimeSignals, type FixedTimePlan, type FixedTimeOptions } from "./fixed-time-signals.js";
export { iteYellowS } from "./ite-yellow.js";
export { LEGS, TURNS, exitLeg, oppositeLeg, type Leg, type Turn } from "./geometry.js";
export { laneTurns } from "./lanes.js";
export { flowAt, type FlowPoint } from "./demand.js";
export { VEHICLE_SPECS, type VehicleSpec } from "./vehicle-classes.js";
export { Prng } from "./prng.js";
export type {
  StopLineCrossing,
  VehicleView,
  LaneView,
  ApproachView,
  IntersectionView,
  NetworkSnapshot,
  ApproachMetrics,
  SimulationSummary,
} from "./views.js";
