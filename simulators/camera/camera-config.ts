import { parseCameraConfig, type CameraConfig, type CameraConfigInput } from "../../edge/inference/index.js";
import type { AtspmConfigInput } from "../../hub/atspm/index.js";
import type { Leg, Scenario, ScenarioIntersection } from "../traffic/index.js";
import { cameraPlacements, type AtspmZone, type PixelRect } from "./camera-zones.js";
import { layoutIntersection } from "./layout.js";
import { parseCameraRendererOptions, type CameraRendererOptionsInput } from "./options.js";

const ID_MAX = 64;

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function polygonOf(r: PixelRect): [number, number][] {
  return [
    [round2(r.x0), round2(r.y0)],
    [round2(r.x1), round2(r.y0)],
    [round2(r.x1), round2(r.y1)],
    [round2(r.x0), round2(r.y1)],
  ];
}

export function findIntersection(scenario: Scenario, intersectionId: string): ScenarioIntersection {
  const x = scenario.intersections.find((i) => i.id === intersectionId);
  if (x === undefined) {
    throw new RangeError(`no intersection ${JSON.stringify(intersectionId)} in scenario ${scenario.name} (it has ${scenario.intersections.map((i) => i.id).join(", ")})`);
  }
  return x;
}

/**
 * The simulated camera's configuration, in exactly the form a field engineer writes for a real one
 * (and validated like one): per approach (named by its leg) a count loop per lane just past the
 * stop line, a queue zone over the visible lanes upstream, a counting line on the stop line, and
 * on each through lane a stop-bar and an advance presence zone with their ATSPM detector channels
 * (`cameraAtspmDetectors` says what each is, for the hub's `atspm.detectors`).
 */
export function cameraConfigFor(scenario: Scenario, intersectionId: string, rendererOptions: CameraRendererOptionsInput = {}): CameraConfig {
  const options = parseCameraRendererOptions(rendererOptions);
  const layout = layoutIntersection(findIntersection(scenario, intersectionId), options);
  const { zones, lines, scale } = cameraPlacements(layout);
  const cameraId = `cam-${intersectionId}`;
  const config: CameraConfigInput = {
    ...(cameraId.length <= ID_MAX ? { cameraId } : {}),
    width: options.width,
    height: options.height,
    approaches: layout.approaches.map((a) => ({
      id: a.leg,
      zones: zones
        .filter((z) => z.approachId === a.leg)
        .map((z) => ({
          id: z.id,
          kind: z.kind,
          polygon: polygonOf(z.rect),
          lanes: z.lanes,
          ...(z.capacityVeh === undefined ? {} : { capacityVeh: z.capacityVeh }),
          ...(z.atspm === undefined ? {} : { channel: z.atspm.channel }),
        })),
      lines: lines
        .filter((l) => l.approachId === a.leg)
        .map((l) => ({
          id: l.id,
          from: [round2(l.from[0]), round2(l.from[1])] as [number, number],
          to: [round2(l.to[0]), round2(l.to[1])] as [number, number],
          countDirection: "positive" as const,
        })),
    })),
    virtualLoop: { scale },
  };
  return parseCameraConfig(config);
}

/** One ATSPM detector of the simulated camera: its zone and what the hub needs to know of it. */
export interface CameraAtspmDetector extends AtspmZone {
  zoneId: string;
  approachId: Leg;
  lane: number;
  /** The phase serving the approach's through movement. */
  phase: number;
  speedKmh: number;
}

/**
 * The simulated camera's stop-bar and advance zones (as `cameraConfigFor` places them, with the same
 * renderer options), each with the phase that serves its approach's through movement.
 */
export function cameraAtspmDetectors(scenario: Scenario, intersectionId: string, rendererOptions: CameraRendererOptionsInput = {}): CameraAtspmDetector[] {
  const x = findIntersection(scenario, intersectionId);
  const layout = layoutIntersection(x, parseCameraRendererOptions(rendererOptions));
  const out: CameraAtspmDetector[] = [];
  for (const z of cameraPlacements(layout).zones) {
    if (z.atspm === undefined || z.lane === undefined) continue;
    const phase = x.phases.find((p) => p.movements.some((m) => m.approach === z.approachId && m.turn === "through"))?.phase;
    if (phase === undefined) continue;
    out.push({ ...z.atspm, zoneId: z.id, approachId: z.approachId, lane: z.lane, phase, speedKmh: x.approaches[z.approachId]?.speedLimitKmh ?? 50 });
  }
  return out;
}

/** The hub's `atspm` configuration for the simulated camera's detectors, as an engineer would write it. */
export function cameraAtspmConfig(detectors: readonly CameraAtspmDetector[]): AtspmConfigInput {
  return {
    detectors: detectors.map((d) => ({
      channel: d.channel,
      phase: d.phase,
      kind: d.kind,
      approachId: d.approachId,
      ...(d.kind === "advance" ? { distanceM: d.distanceM, speedKmh: d.speedKmh } : {}),
    })),
  };
}
