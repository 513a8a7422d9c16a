import { parseCameraConfig, type CameraConfig, type CameraConfigInput } from "../../edge/inference/index.js";
import type { Scenario, ScenarioIntersection } from "../traffic/index.js";
import { cameraPlacements, type PixelRect } from "./camera-zones.js";
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
 * stop line, a queue zone over the visible lanes upstream and a counting line on the stop line.
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
