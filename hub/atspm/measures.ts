import { approachDelay, arrivalsOnGreen, coordinationDiagram, type ApproachDelay, type ArrivalsOnGreen, type CoordinationDiagram } from "./arrivals.js";
import { approachVolume, type ApproachVolume } from "./approach-volume.js";
import { arrivalsByGroup, stopBarActuations, stopBarOccupancy } from "./detector-events.js";
import { AtspmConfig, detectorTable, type AtspmConfigInput } from "./detectors.js";
import type { EventLog } from "./event-log.js";
import { pedestrianDelay, type PedestrianDelay } from "./pedestrian-delay.js";
import { phaseCycles } from "./phase-cycles.js";
import { redYellowActuations, type RedYellowActuations } from "./red-yellow-actuations.js";
import { splitFailures, type SplitFailures } from "./split-failures.js";
import { splitMonitor, type SplitMonitor } from "./split-monitor.js";
import { phaseTermination, type PhaseTermination } from "./termination.js";

export interface AtspmMeasures {
  events: number;
  phaseTermination: PhaseTermination[];
  splitMonitor: SplitMonitor[];
  approachVolume: ApproachVolume[];
  arrivalsOnGreen: ArrivalsOnGreen[];
  coordinationDiagram: CoordinationDiagram[];
  splitFailures: SplitFailures[];
  redYellowActuations: RedYellowActuations[];
  approachDelay: ApproachDelay[];
  pedestrianDelay: PedestrianDelay[];
}

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
