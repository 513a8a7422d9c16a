/** ATSPM performance measures as pure functions of Indiana hi-res events (no I/O). */
export { EventLogBuilder, eventLogOf, type EventLog, type HiResLike } from "./event-log.js";
export { AtspmConfig, AtspmDetector, detectorTable, travelTimeMs, groupKey, type DetectorGroup, type AtspmConfigInput, type AtspmDetectorInput } from "./detectors.js";
export { phaseCycles, type PhaseCycles } from "./phase-cycles.js";
export { phaseTermination, type PhaseTermination } from "./termination.js";
export { splitMonitor, percentile, type SplitMonitor } from "./split-monitor.js";
export { arrivalsByGroup, stopBarActuations, stopBarOccupancy } from "./detector-events.js";
export { arrivalsOnGreen, approachDelay, coordinationDiagram, type ArrivalsOnGreen, type ApproachDelay, type CoordinationDiagram } from "./arrivals.js";
export { splitFailures, SPLIT_FAILURE_THRESHOLD, RED_WINDOW_MS, type SplitFailures } from "./split-failures.js";
export { redYellowActuations, type RedYellowActuations } from "./red-yellow-actuations.js";
export { approachVolume, type ApproachVolume } from "./approach-volume.js";
export { pedestrianDelay, PED_CALL_REGISTERED, type PedestrianDelay } from "./pedestrian-delay.js";
export { computeMeasures, MEASURE_NAMES, type AtspmMeasures, type MeasureName } from "./measures.js";
export { toAtspmCsv } from "./csv.js";
