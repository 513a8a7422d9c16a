import { z } from "zod";
import { Id } from "./schemas.js";
import { formatIssues, formatPath, ValidationError } from "./validation.js";

/**
 * A camera's configuration (approaches, zones, counting lines on the image): what a field engineer
 * writes for an agent, what the hub's zone editor sends in a `set-camera` command, and what the
 * API checks that body against, so the errors are the same everywhere.
 */

/** An image point `[x, y]` in pixels, y pointing down. */
export type PointXY = readonly [x: number, y: number];

export const ZONE_KINDS = ["queue", "presence", "loop"] as const;
export const ZoneKind = z.enum(ZONE_KINDS);
export type ZoneKind = z.infer<typeof ZoneKind>;

/** Which crossings of a counting line count; see the edge's `lineSide` for what "positive" means. */
export const CountDirection = z.enum(["positive", "negative", "both"]);
export type CountDirection = z.infer<typeof CountDirection>;

/** Signed shoelace area; its sign depends on the winding, so compare its magnitude with 0. */
export function polygonArea(polygon: readonly PointXY[]): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    twice += (polygon[j]![0] + polygon[i]![0]) * (polygon[j]![1] - polygon[i]![1]);
  }
  return twice / 2;
}

function cross(o: PointXY, a: PointXY, b: PointXY): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** True when segments p1p2 and p3p4 cross at a point interior to both (touching ends do not count). */
export function segmentsCross(p1: PointXY, p2: PointXY, p3: PointXY, p4: PointXY): boolean {
  const d1 = cross(p3, p4, p1);
  const d2 = cross(p3, p4, p2);
  const d3 = cross(p1, p2, p3);
  const d4 = cross(p1, p2, p4);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

const MAX_IMAGE_PX = 16_384;

const ImagePoint = z.tuple([z.number(), z.number()], { error: "expected a point [x, y] in pixels" });

/** The first pair of non-adjacent edges that cross, as edge indices (edge i runs from point i to i+1). */
function firstSelfCrossing(polygon: readonly PointXY[]): [number, number] | null {
  const n = polygon.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // these two share point 0
      if (segmentsCross(polygon[i], polygon[(i + 1) % n], polygon[j], polygon[(j + 1) % n])) return [i, j];
    }
  }
  return null;
}

const Polygon = z.array(ImagePoint).superRefine((points, ctx) => {
  if (points.length < 3) {
    ctx.addIssue({ code: "custom", message: `needs at least 3 points, got ${points.length}` });
    return;
  }
  if (Math.abs(polygonArea(points)) < 1e-6) {
    ctx.addIssue({ code: "custom", message: "encloses no area: its points are repeated or on one straight line" });
    return;
  }
  const crossing = firstSelfCrossing(points);
  if (crossing !== null) {
    ctx.addIssue({
      code: "custom",
      message: `edges ${crossing[0]} and ${crossing[1]} cross each other; list the points in order around the zone`,
    });
  }
});

const Zone = z.strictObject({
  id: Id,
  kind: ZoneKind,
  /** Image points in order around the zone. */
  polygon: Polygon,
  /** How many vehicles fit in a queue zone; turns a virtual loop's occupancy into a queue estimate. */
  capacityVeh: z.number().positive().max(1000).optional(),
  lanes: z.number().int().min(1).max(16).default(1),
  /**
   * The zone's detector channel in the hi-res events (81/82 param), as the hub's `atspm.detectors`
   * names it: a stop-bar presence zone, or an advance zone upstream (a presence zone, so it is not
   * counted twice). Default: the zone's position in this file, 1 first.
   */
  channel: z.number().int().min(1).max(65_535).optional(),
});

/**
 * A counting line from `from` to `to`. A "positive" crossing goes from the LEFT side to the RIGHT
 * side of the vector from→to as seen on screen (image y points down): a line drawn left to right
 * across the image counts vehicles moving down the image (usually towards the camera) as positive.
 * A crossing counts once the vehicle's whole box is past the line, so place lines where vehicles
 * clear them well inside the image.
 */
const Line = z
  .strictObject({
    id: Id,
    from: ImagePoint,
    to: ImagePoint,
    countDirection: CountDirection.default("positive"),
  })
  .superRefine((line, ctx) => {
    const lengthPx = Math.hypot(line.to[0] - line.from[0], line.to[1] - line.from[1]);
    if (lengthPx < 1) {
      ctx.addIssue({
        code: "custom",
        message: `from and to are ${lengthPx === 0 ? "the same point" : "less than 1 px apart"}; a counting line needs two distinct points`,
      });
    }
  });

const Approach = z
  .strictObject({
    id: Id,
    zones: z.array(Zone).default([]),
    lines: z.array(Line).default([]),
  })
  .superRefine((a, ctx) => {
    if (a.zones.length === 0 && a.lines.length === 0) {
      ctx.addIssue({ code: "custom", message: "needs at least one zone or line, or it measures nothing" });
    }
  });

const VirtualLoop = z.strictObject({
  /** The model works on the frame shrunk by this factor: smaller is faster. */
  scale: z.number().gt(0).max(1).default(0.25),
  /** Per-pixel difference from the background (0–255) that marks a pixel as changed. */
  diffThreshold: z.number().positive().max(255).optional(),
  /** Share of a zone's pixels that must change for the zone to be occupied. */
  occupiedFraction: z.number().gt(0).max(1).optional(),
  /** How fast the background follows the scene where no zone is occupied. */
  backgroundAlpha: z.number().gt(0).max(1).optional(),
});

function checkInsideImage(
  point: readonly [number, number],
  width: number,
  height: number,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const [x, y] = point;
  if (x < 0 || y < 0 || x > width || y > height) {
    ctx.addIssue({ code: "custom", path, message: `point (${x}, ${y}) is outside the ${width}×${height} image` });
  }
}

/** What a field engineer writes for one camera; every coordinate refers to a `width`×`height` image. */
export const CameraConfig = z
  .strictObject({
    cameraId: Id.optional(),
    width: z.number().int().positive().max(MAX_IMAGE_PX),
    height: z.number().int().positive().max(MAX_IMAGE_PX),
    approaches: z.array(Approach).min(1, "needs at least one approach"),
    virtualLoop: VirtualLoop.optional(),
  })
  .superRefine((config, ctx) => {
    const { width, height } = config;
    // Ids name approaches and detectors in measures and events, so each is used once per camera.
    const firstUse = new Map<string, string>();
    // Each zone's detector channel (explicit, or its position) is its own.
    const channels = new Map<number, string>();
    let zoneNumber = 0;
    const claim = (id: string, path: (string | number)[]): void => {
      const where = formatPath(path.slice(0, -1));
      const earlier = firstUse.get(id);
      if (earlier === undefined) firstUse.set(id, where);
      else ctx.addIssue({ code: "custom", path, message: `duplicate id "${id}" (already used by ${earlier})` });
    };
    config.approaches.forEach((approach, a) => {
      claim(approach.id, ["approaches", a, "id"]);
      approach.zones.forEach((zone, z) => {
        claim(zone.id, ["approaches", a, "zones", z, "id"]);
        zoneNumber++;
        const channel = zone.channel ?? zoneNumber;
        const holder = channels.get(channel);
        if (holder !== undefined) ctx.addIssue({ code: "custom", path: ["approaches", a, "zones", z, "channel"], message: `detector channel ${channel} is also zone "${holder}"'s` });
        channels.set(channel, zone.id);
        zone.polygon.forEach((p, k) => checkInsideImage(p, width, height, ["approaches", a, "zones", z, "polygon", k], ctx));
      });
      approach.lines.forEach((line, l) => {
        claim(line.id, ["approaches", a, "lines", l, "id"]);
        checkInsideImage(line.from, width, height, ["approaches", a, "lines", l, "from"], ctx);
        checkInsideImage(line.to, width, height, ["approaches", a, "lines", l, "to"], ctx);
      });
    });
  });
export type CameraConfig = z.infer<typeof CameraConfig>;
export type CameraConfigInput = z.input<typeof CameraConfig>;

/** Validates a camera configuration; the error names every bad field (`camera.approaches[2]…`). */
export function parseCameraConfig(value: unknown): CameraConfig {
  const result = CameraConfig.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues("camera", result.error));
  return result.data;
}

/** What a camera configuration's approaches are checked against: the controller's phases and the approaches each serves. */
export interface PhaseApproaches {
  phases: readonly { approaches?: readonly { approachId: string }[] | undefined }[];
}

/**
 * Where a camera and its controller disagree on approach ids, one line per problem naming the
 * field under `roots`: a phase serving an approach the camera does not measure (planned from no
 * data), or a camera approach no phase serves (the hub keys demand by the phases' approaches and
 * refuses measures of any other as `unknown_approach`). The second is not checked while no phase
 * lists approaches, as the hub then does not describe the intersection either. The agent's YAML
 * loader, its `set-camera` command and the hub's zone editor all use this one check.
 */
export function approachMismatches(
  camera: { approaches: readonly { id: string }[] },
  controller: PhaseApproaches,
  roots: { camera: string; controller: string },
): string[] {
  const measured = camera.approaches.map((a) => a.id);
  const served = new Set(controller.phases.flatMap((p) => (p.approaches ?? []).map((a) => a.approachId)));
  const problems: string[] = [];
  controller.phases.forEach((phase, i) => {
    (phase.approaches ?? []).forEach((a, j) => {
      if (!measured.includes(a.approachId)) {
        problems.push(`${roots.controller}.phases[${i}].approaches[${j}].approachId: the camera has no approach "${a.approachId}" (it has ${measured.join(", ") || "none"})`);
      }
    });
  });
  if (served.size > 0) {
    camera.approaches.forEach((a, i) => {
      if (!served.has(a.id)) {
        problems.push(`${roots.camera}.approaches[${i}].id: no phase of the controller serves approach "${a.id}" (they serve ${[...served].join(", ")})`);
      }
    });
  }
  return problems;
}
