/** The co-simulation: the project's controllers and hub, or SUMO's own programs, driving a SUMO network. */
export { runSumo, SumoRunOptions, SUMO_CONTROLLERS, scenarioNameOf, type SumoControllerKind, type SumoRunOptionsInput, type SumoRunResult } from "./run.js";
export { sumoStateOf, ConflictObserver, ClearanceObserver } from "./signal-state.js";
export { DetectorReader, type DetectorStep } from "./detector-reader.js";
export { summariseTrips, readTripSummary, type TripSummary } from "./sumo-results.js";
