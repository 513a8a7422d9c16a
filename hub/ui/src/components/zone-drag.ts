import type { CameraZones } from "../net/contract.js";

/** What a pointer holds in the zone editor: one vertex, one line end, or a whole zone. */
export type DragTarget =
  | { kind: "vertex"; approach: number; zone: number; vertex: number }
  | { kind: "line-end"; approach: number; line: number; end: "from" | "to" }
  | { kind: "zone"; approach: number; zone: number };

/** The camera configuration with `target` moved by (dx, dy) image pixels, kept inside the frame (pure). */
export function dragged(zones: CameraZones, target: DragTarget, dx: number, dy: number): CameraZones {
  const clamp = ([x, y]: [number, number]): [number, number] => [
    Math.round(Math.min(zones.width, Math.max(0, x + dx))),
    Math.round(Math.min(zones.height, Math.max(0, y + dy))),
  ];
  return {
    ...zones,
    approaches: zones.approaches.map((a, ai) => {
      if (ai !== target.approach) return a;
      if (target.kind === "line-end") {
        return { ...a, lines: a.lines.map((l, li) => (li === target.line ? { ...l, [target.end]: clamp(l[target.end]) } : l)) };
      }
      return {
        ...a,
        zones: a.zones.map((z, zi) => {
          if (zi !== target.zone) return z;
          return { ...z, polygon: z.polygon.map((p, pi) => (target.kind === "zone" || pi === target.vertex ? clamp(p) : p)) };
        }),
      };
    }),
  };
}
