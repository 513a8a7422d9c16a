import { approachDelay, arrivalsOnGreen, coordinationDiagram } from "./arrivals.js";
import { approachVolume } from "./approach-volume.js";
import { arrivalsByGroup, stopBarActuations, stopBarOccupancy } from "./detector-events.js";
import { AtspmConfig, detectorTable, type AtspmConfigInput } from "./detectors.js";
import type { EventLog } from "./event-log.js";
import { pedestrianDelay } from "./pedestrian-delay.js";
import { phaseCycles } from "./phase-cycles.js";
import { redYellowActuations } from "./red-yellow-actuations.js";
import { splitFailures } from "./split-failures.js";
import { splitMonitor } from "./split-monitor.js";
import { phaseTermination } from "./termination.js";
import type { AtspmMeasures } from "./schemas.js";

export type { AtspmMeasures };


export const MEASURE_NAMES = [
  "phaseTermination",
  "splitMonitor",
  "approachVolume",
  "arrivalsOnGreen",
  "coordinationDiagram",
  "splitFailures",
  "redYellowActuations",
  "approachDelay",
  "pedestrianDelay",
] as const satisfies readonly (keyof AtspmMeasures)[];
export type MeasureName = (typeof MEASURE_NAMES)[number];

/** Every measure from one sorted log: the cycles and detector tables are built once and shared. */
export function computeMeasures(log: EventLog, configInput: AtspmConfigInput | AtspmConfig = {}, range: { fromMs?: number; toMs?: number } = {}): AtspmMeasures {
  const config = AtspmConfig.parse(configInput);
  const table = detectorTable(config);
  const cycles = phaseCycles(log, config.maxCycleS);
  const arrivals = arrivalsByGroup(log, table);
  return {
    events: log.length,
    phaseTermination: phaseTermination(cycles),
    splitMonitor: splitMonitor(cycles),
    approachVolume: approachVolume(log, table, config.binMinutes, range.fromMs, range.toMs),
    arrivalsOnGreen: arrivalsOnGreen(cycles, arrivals),
    coordinationDiagram: coordinationDiagram(cycles, arrivals),
    splitFailures: splitFailures(cycles, stopBarOccupancy(log, table)),
    redYellowActuations: redYellowActuations(cycles, stopBarActuations(log, table)),
    approachDelay: approachDelay(cycles, arrivals),
    pedestrianDelay: pedestrianDelay(log),
  };
}
