import type { CameraZones } from "../net/contract.js";

/**
 * The zone editor's edits of a camera configuration, pure: add a drawn zone or counting line,
 * delete one, insert or delete a polygon corner, rename or re-assign one. Validity (enough
 * corners, no crossing edges, ids used once, approaches the controller serves) is the server's
 * schema's to say, so the admin sees the same errors as the YAML gives.
 */

type Approach = CameraZones["approaches"][number];
export type Zone = Approach["zones"][number];
export type Line = Approach["lines"][number];
export type ZoneKind = Zone["kind"];
export type CountDirection = Line["countDirection"];
export type Point = [number, number];

/** What the editor has picked: a zone (and maybe one of its corners), or a counting line. */
export type Selection = { kind: "zone"; approach: number; zone: number; vertex?: number } | { kind: "line"; approach: number; line: number };

/** A point in whole image pixels inside the image. */
export function imagePixel(camera: Pick<CameraZones, "width" | "height">, [x, y]: readonly [number, number]): Point {
  return [Math.round(Math.min(camera.width, Math.max(0, x))), Math.round(Math.min(camera.height, Math.max(0, y)))];
}

/**
 * Approaches a new zone or line may go to: the camera's, then those the intersection's controller
 * serves that the camera does not measure yet. An intersection not yet described offers the camera's only.
 */
export function approachChoices(camera: CameraZones, served: readonly string[]): string[] {
  const ids = camera.approaches.map((a) => a.id);
  return [...ids, ...served.filter((id, i) => !ids.includes(id) && served.indexOf(id) === i)];
}

/** `base`, or `base-2`, `base-3` … : the first not used by any approach, zone or line of the camera. */
export function unusedId(camera: CameraZones, base: string): string {
  const used = new Set(camera.approaches.flatMap((a) => [a.id, ...a.zones.map((z) => z.id), ...a.lines.map((l) => l.id)]));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The camera with `item` added to approach `approachId` (a new approach entry if the camera has none by that id). */
function withItem(camera: CameraZones, approachId: string, add: (a: Approach) => Approach): { camera: CameraZones; approach: number } {
  const at = camera.approaches.findIndex((a) => a.id === approachId);
  if (at >= 0) return { camera: { ...camera, approaches: camera.approaches.map((a, i) => (i === at ? add(a) : a)) }, approach: at };
  return { camera: { ...camera, approaches: [...camera.approaches, add({ id: approachId, zones: [], lines: [] })] }, approach: camera.approaches.length };
}

/** A drawn zone added to an approach; the result selects it. */
export function withNewZone(camera: CameraZones, approachId: string, kind: ZoneKind, polygon: readonly Point[]): { camera: CameraZones; selection: Selection } {
  const zone: Zone = { id: unusedId(camera, `${approachId}-${kind}`), kind, polygon: polygon.map((p) => imagePixel(camera, p)), lanes: 1 };
  const next = withItem(camera, approachId, (a) => ({ ...a, zones: [...a.zones, zone] }));
  return { camera: next.camera, selection: { kind: "zone", approach: next.approach, zone: next.camera.approaches[next.approach]!.zones.length - 1 } };
}

/** A drawn counting line added to an approach; the result selects it. */
export function withNewLine(camera: CameraZones, approachId: string, countDirection: CountDirection, from: Point, to: Point): { camera: CameraZones; selection: Selection } {
  const line: Line = { id: unusedId(camera, `${approachId}-line`), from: imagePixel(camera, from), to: imagePixel(camera, to), countDirection };
  const next = withItem(camera, approachId, (a) => ({ ...a, lines: [...a.lines, line] }));
  return { camera: next.camera, selection: { kind: "line", approach: next.approach, line: next.camera.approaches[next.approach]!.lines.length - 1 } };
}

/** An approach left with no zone and no line measures nothing: it goes, and the server says whether the controller still needs it. */
function withoutEmpty(camera: CameraZones): CameraZones {
  return { ...camera, approaches: camera.approaches.filter((a) => a.zones.length > 0 || a.lines.length > 0) };
}

/** The selected zone or line deleted. */
export function withoutSelected(camera: CameraZones, selection: Selection): CameraZones {
  return withoutEmpty({
    ...camera,
    approaches: camera.approaches.map((a, ai) => {
      if (ai !== selection.approach) return a;
      if (selection.kind === "zone") return { ...a, zones: a.zones.filter((_, zi) => zi !== selection.zone) };
      return { ...a, lines: a.lines.filter((_, li) => li !== selection.line) };
    }),
  });
}

function mapZone(camera: CameraZones, approach: number, zone: number, change: (z: Zone) => Zone): CameraZones {
  return {
    ...camera,
    approaches: camera.approaches.map((a, ai) => (ai !== approach ? a : { ...a, zones: a.zones.map((z, zi) => (zi === zone ? change(z) : z)) })),
  };
}

/** A corner inserted at the middle of the zone's edge `edge` (from corner `edge` to the next); it becomes corner `edge + 1`. */
export function withVertexInserted(camera: CameraZones, approach: number, zone: number, edge: number): CameraZones {
  return mapZone(camera, approach, zone, (z) => {
    const a = z.polygon[edge];
    const b = z.polygon[(edge + 1) % z.polygon.length];
    if (a === undefined || b === undefined) return z;
    const mid = imagePixel(camera, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
    return { ...z, polygon: [...z.polygon.slice(0, edge + 1), mid, ...z.polygon.slice(edge + 1)] };
  });
}

/** The zone's corner `vertex` deleted (the schema refuses a zone left with fewer than 3). */
export function withoutVertex(camera: CameraZones, approach: number, zone: number, vertex: number): CameraZones {
  return mapZone(camera, approach, zone, (z) => ({ ...z, polygon: z.polygon.filter((_, i) => i !== vertex) }));
}

/** The selected zone or line itself, if the selection still points at one. */
export function selectedItem(camera: CameraZones, selection: Selection): { approachId: string; zone: Zone } | { approachId: string; line: Line } | null {
  const a = camera.approaches[selection.approach];
  if (a === undefined) return null;
  if (selection.kind === "zone") {
    const zone = a.zones[selection.zone];
    return zone === undefined ? null : { approachId: a.id, zone };
  }
  const line = a.lines[selection.line];
  return line === undefined ? null : { approachId: a.id, line };
}

export type ItemChange = { id?: string; kind?: ZoneKind; countDirection?: CountDirection };

/** The selected zone or line renamed, or its kind or counting direction changed. */
export function withSelectedChanged(camera: CameraZones, selection: Selection, change: ItemChange): CameraZones {
  return {
    ...camera,
    approaches: camera.approaches.map((a, ai) => {
      if (ai !== selection.approach) return a;
      if (selection.kind === "zone") {
        return { ...a, zones: a.zones.map((z, zi) => (zi !== selection.zone ? z : { ...z, ...(change.id === undefined ? {} : { id: change.id }), ...(change.kind === undefined ? {} : { kind: change.kind }) })) };
      }
      return {
        ...a,
        lines: a.lines.map((l, li) =>
          li !== selection.line ? l : { ...l, ...(change.id === undefined ? {} : { id: change.id }), ...(change.countDirection === undefined ? {} : { countDirection: change.countDirection }) },
        ),
      };
    }),
  };
}

/** The selected zone or line moved to another approach (kept last there); the result selects it where it went. */
export function withSelectedMoved(camera: CameraZones, selection: Selection, approachId: string): { camera: CameraZones; selection: Selection } {
  const item = selectedItem(camera, selection);
  if (item === null || item.approachId === approachId) return { camera, selection };
  // Added first, so the indices of the selection still hold; the emptied approach goes after.
  const added = "zone" in item ? withItem(camera, approachId, (a) => ({ ...a, zones: [...a.zones, item.zone] })) : withItem(camera, approachId, (a) => ({ ...a, lines: [...a.lines, item.line] }));
  const removed = withoutSelected(added.camera, selection);
  const at = removed.approaches.findIndex((a) => a.id === approachId);
  const target = removed.approaches[at]!;
  return {
    camera: removed,
    selection: "zone" in item ? { kind: "zone", approach: at, zone: target.zones.length - 1 } : { kind: "line", approach: at, line: target.lines.length - 1 },
  };
}
