import { approachMismatches, type CameraConfig } from "../../protocol/index.js";
import type { ControllerConfig } from "./controller/index.js";

/**
 * Why an admin's new camera configuration may not replace the current one, one line each (empty
 * when it may): the YAML loader's approach check, and no zone the controller uses as a detector
 * dropped or renamed, since an actuated phase whose detector zone is gone would get no calls.
 * Detectors that were not zones of this camera before (fed otherwise) are not the edit's concern.
 */
export function cameraEditProblems(current: CameraConfig, next: CameraConfig, controller: ControllerConfig): string[] {
  const problems = approachMismatches(next, controller, { camera: "camera", controller: "agent.controller" });
  const zoneIds = (c: CameraConfig) => new Set(c.approaches.flatMap((a) => a.zones.map((z) => z.id)));
  const before = zoneIds(current);
  const after = zoneIds(next);
  for (const phase of controller.phases) {
    for (const id of phase.detectors) {
      if (before.has(id) && !after.has(id)) {
        problems.push(`camera: zone "${id}" is phase ${phase.phase}'s detector in the controller's configuration; keep a zone with that id`);
      }
    }
  }
  return problems;
}
