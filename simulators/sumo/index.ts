/**
 * SUMO co-simulation: the project's edge controllers (and hub, over MQTT) drive the lights of a
 * SUMO network through TraCI, with SUMO's own programs as baselines. See docs/sumo.md.
 */
export { runSumo, SUMO_CONTROLLERS, type SumoRunResult, type SumoControllerKind } from "./cosim/index.js";
export { runSumoCli, SUMO_RUNS, sumoRunList, describeSumoResult, type SumoCliOptions, type SumoRunName } from "./cli-run.js";
export { bundledSumoScenario, sumoScenarioNames, sumoScenarioDir } from "./scenarios.js";
export { SUMO_TLS_TYPES, SUMO_CLEARANCES, CLEARANCE_SOURCES, type SumoTlsType, type SumoClearance, type ClearanceSource } from "./config/index.js";
export { SUMO_GAME_SCENARIOS, sumoGameDir, sumoGameScenario, type SumoGameScenario } from "./game-scenarios.js";
