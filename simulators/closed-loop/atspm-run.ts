import { EventLogBuilder, type EventLog } from "../../hub/atspm/index.js";
import type { Scenario } from "../traffic/index.js";
import { atspmDetectorsOf, DetectorProbe, type SimDetector } from "./atspm-detectors.js";
import { AtspmTruth } from "./atspm-truth.js";
import { runPolicy, type Policy, type RunResult } from "./fast-loop.js";
import { SIM_EPOCH_MS } from "./run.js";

/** A fast closed-loop run with ATSPM detectors on every through lane: each intersection's hi-res events, and the simulator's truth. */
export interface AtspmRun {
  result: RunResult;
  detectors: Map<string, SimDetector[]>;
  logs: Map<string, EventLog>;
  truth: AtspmTruth;
}

export function runWithEvents(scenario: Scenario, policy: Policy, seed: number, durationS: number): AtspmRun {
  const detectors = new Map(scenario.intersections.map((x) => [x.id, atspmDetectorsOf(x)]));
  const probe = new DetectorProbe(detectors);
  const truth = new AtspmTruth(detectors, SIM_EPOCH_MS);
  const builders = new Map(scenario.intersections.map((x) => [x.id, new EventLogBuilder()]));
  const push = (id: string, code: number, channel: number, tsMs: number): void => builders.get(id)?.push(tsMs, code, channel);
  const result = runPolicy(scenario, policy, seed, durationS, {
    onStep(nowMs, snapshot, groups) {
      probe.observe(snapshot, nowMs, push);
      truth.observe(snapshot, nowMs, groups);
    },
    onControllerEvents(id, events) {
      for (const e of events) if (e.type === "hires") push(id, e.code, e.param, e.ts);
      truth.controllerEvents(id, events);
    },
  });
  return { result, detectors, logs: new Map([...builders].map(([id, b]) => [id, b.build()])), truth };
}

