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

/** What the measures are computed from, each part built on first use and then shared. */
class MeasureInputs {
  readonly config: AtspmConfig;
  private tableValue?: ReturnType<typeof detectorTable>;
  private cyclesValue?: ReturnType<typeof phaseCycles>;
  private arrivalsValue?: ReturnType<typeof arrivalsByGroup>;

  constructor(
    readonly log: EventLog,
    configInput: AtspmConfigInput | AtspmConfig,
    readonly range: { fromMs?: number; toMs?: number },
  ) {
    this.config = AtspmConfig.parse(configInput);
  }

  get table(): ReturnType<typeof detectorTable> {
    return (this.tableValue ??= detectorTable(this.config));
  }

  get cycles(): ReturnType<typeof phaseCycles> {
    return (this.cyclesValue ??= phaseCycles(this.log, this.config.maxCycleS));
  }

  get arrivals(): ReturnType<typeof arrivalsByGroup> {
    return (this.arrivalsValue ??= arrivalsByGroup(this.log, this.table));
  }
}

const MEASURES: { readonly [K in MeasureName]: (i: MeasureInputs) => AtspmMeasures[K] } = {
  phaseTermination: (i) => phaseTermination(i.cycles),
  splitMonitor: (i) => splitMonitor(i.cycles),
  approachVolume: (i) => approachVolume(i.log, i.table, i.config.binMinutes, i.range.fromMs, i.range.toMs),
  arrivalsOnGreen: (i) => arrivalsOnGreen(i.cycles, i.arrivals),
  coordinationDiagram: (i) => coordinationDiagram(i.cycles, i.arrivals),
  splitFailures: (i) => splitFailures(i.cycles, stopBarOccupancy(i.log, i.table)),
  redYellowActuations: (i) => redYellowActuations(i.cycles, stopBarActuations(i.log, i.table)),
  approachDelay: (i) => approachDelay(i.cycles, i.arrivals),
  pedestrianDelay: (i) => pedestrianDelay(i.log),
};

/** Every measure from one sorted log: the cycles and detector tables are built once and shared. */
export function computeMeasures(log: EventLog, configInput: AtspmConfigInput | AtspmConfig = {}, range: { fromMs?: number; toMs?: number } = {}): AtspmMeasures {
  const i = new MeasureInputs(log, configInput, range);
  return {
    events: log.length,
    phaseTermination: MEASURES.phaseTermination(i),
    splitMonitor: MEASURES.splitMonitor(i),
    approachVolume: MEASURES.approachVolume(i),
    arrivalsOnGreen: MEASURES.arrivalsOnGreen(i),
    coordinationDiagram: MEASURES.coordinationDiagram(i),
    splitFailures: MEASURES.splitFailures(i),
    redYellowActuations: MEASURES.redYellowActuations(i),
    approachDelay: MEASURES.approachDelay(i),
    pedestrianDelay: MEASURES.pedestrianDelay(i),
  };
}

/** One measure, computing only what it needs (an API request for one chart). */
export function computeMeasure<K extends MeasureName>(
  log: EventLog,
  name: K,
  configInput: AtspmConfigInput | AtspmConfig = {},
  range: { fromMs?: number; toMs?: number } = {},
): AtspmMeasures[K] {
  return MEASURES[name](new MeasureInputs(log, configInput, range));
}
