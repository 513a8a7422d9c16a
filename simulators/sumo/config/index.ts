/**
 * Configuration of a SUMO co-simulation, generated from the net and written as YAML an engineer
 * can edit: one edge controller configuration per light (with its mapping to SUMO's links and
 * detectors) and the hub's settings. Loaded back through the project's own schemas.
 */
export { SumoIntersectionConfig, SumoDetector, type SumoIntersectionConfigInput } from "./schema.js";
export { configsFromNet, intersectionFromNet, groupConflicts, SUMO_REGION, CLEARANCE_SOURCES, type ClearanceSource, type GenerateOptions, type GeneratedIntersection } from "./generate.js";
export { writeConfigs, loadConfigs, hasConfigs, HUB_FILE, INTERSECTIONS_DIR, type LoadedConfigs } from "./files.js";
export { detectorsAdditional, tlsProgramsAdditional, sumoDetectorId, SUMO_TLS_TYPES, SUMO_CLEARANCES, type SumoTlsType, type SumoClearance } from "./additional.js";
export { withChangeIntervals, changeIntervalsOf, type ChangeInterval, type TlsProgramSpec, type TlsPhaseSpec } from "./change-intervals.js";
export { advancePlace, laneGraph, LOOP_MARGIN_M, type AdvancePlace, type LaneGraph } from "./advance-loops.js";
