/** ATSPM performance measures as pure functions of Indiana hi-res events (no I/O). */
export { EventLogBuilder, eventLogOf, type EventLog, type HiResLike } from "./event-log.js";
export { AtspmConfig, AtspmDetector, detectorTable, travelTimeMs, groupKey, type DetectorGroup, type AtspmConfigInput, type AtspmDetectorInput } from "./detectors.js";
export { phaseCycles, type PhaseCycles } from "./phase-cycles.js";
export { phaseTermination } from "./termination.js";
export { splitMonitor, percentile } from "./split-monitor.js";
export { arrivalsByGroup, stopBarActuations, stopBarOccupancy } from "./detector-events.js";
export { arrivalsOnGreen, approachDelay, coordinationDiagram } from "./arrivals.js";
export { splitFailures, SPLIT_FAILURE_THRESHOLD, RED_WINDOW_MS } from "./split-failures.js";
export { redYellowActuations } from "./red-yellow-actuations.js";
export { approachVolume } from "./approach-volume.js";
export { pedestrianDelay, PED_CALL_REGISTERED } from "./pedestrian-delay.js";
export { computeMeasure, computeMeasures, MEASURE_NAMES, type MeasureName } from "./measures.js";
export { toAtspmCsv } from "./csv.js";
export {
  AtspmMeasures,
  PhaseTermination,
  SplitMonitor,
  ApproachVolume,
  ArrivalsOnGreen,
  ApproachDelay,
  CoordinationDiagram,
  SplitFailures,
  RedYellowActuations,
  PedestrianDelay,
} from "./schemas.js";
