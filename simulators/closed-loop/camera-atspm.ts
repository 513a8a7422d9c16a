import type { CameraAtspmDetector } from "../camera/index.js";
import { STOP_BAR_ZONE_M, ADVANCE_ZONE_M } from "../camera/camera-zones.js";
import type { SimDetector } from "./atspm-detectors.js";

/** The simulated camera's stop-bar and advance zones as the truth's detectors (metres upstream of the stop line). */
export function simDetectorsOfCamera(detectors: readonly CameraAtspmDetector[]): SimDetector[] {
  return detectors.map((d) => ({
    channel: d.channel,
    phase: d.phase,
    kind: d.kind,
    approach: d.approachId,
    lane: d.lane,
    fromM: d.kind === "stop-bar" ? 0 : d.distanceM - ADVANCE_ZONE_M,
    toM: d.kind === "stop-bar" ? STOP_BAR_ZONE_M : d.distanceM,
    speedKmh: d.speedKmh,
  }));
}
