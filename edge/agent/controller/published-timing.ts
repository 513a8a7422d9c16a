import { controllerConfigHash, type ControllerTiming } from "../../../protocol/index.js";
import type { ControllerConfig } from "./config.js";

/**
 * The part of this controller's configuration the hub plans against (`…/config`): the phases in
 * running order with their timing, omittability and the approaches they serve, and how hub plans
 * run. Signal groups, conflicts, detectors and the fallback stay on the edge: safety is its own.
 */
export function publishedTimingOf(config: ControllerConfig): { controller: ControllerTiming; hash: string } {
  const controller: ControllerTiming = {
    phases: config.phases.map((p) => ({
      phase: p.phase,
      minGreenS: p.minGreenS,
      maxGreenS: p.maxGreenS,
      yellowS: p.yellowS,
      redClearanceS: p.redClearanceS,
      ...(p.pedWalkS !== undefined ? { pedWalkS: p.pedWalkS } : {}),
      ...(p.pedClearanceS !== undefined ? { pedClearanceS: p.pedClearanceS } : {}),
      omittable: p.omittable,
      approaches: p.approaches.map((a) => ({ approachId: a.approachId, lanes: a.lanes, share: a.share })),
    })),
    coordinatedPhase: config.planOperation === "actuated" ? null : (config.coordination?.phase ?? null),
    planOperation: config.planOperation,
  };
  return { controller, hash: controllerConfigHash(controller) };
}
