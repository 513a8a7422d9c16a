import { describe, expect, it } from "vitest";
import { CameraConfig } from "../../../../protocol/camera-config.js";
import type { CameraZones } from "../net/contract.js";
import {
  approachChoices,
  unusedId,
  withNewLine,
  withNewZone,
  withoutSelected,
  withoutVertex,
  withSelectedChanged,
  withSelectedMoved,
  withVertexInserted,
} from "./zone-edits.js";

const camera: CameraZones = CameraConfig.parse({
  width: 1280,
  height: 720,
  approaches: [
    {
      id: "N",
      zones: [
        { id: "N-queue", kind: "queue", polygon: [[520, 120], [760, 120], [800, 420], [480, 420]] },
        { id: "N-stopbar", kind: "loop", polygon: [[470, 430], [810, 430], [815, 470], [465, 470]] },
      ],
      lines: [{ id: "N-stop", from: [460, 480], to: [820, 480] }],
    },
  ],
});

describe("zone editor edits (pure)", () => {
  it("offers the camera's approaches, then the controller's others once each", () => {
    expect(approachChoices(camera, ["S", "N", "E", "S"])).toEqual(["N", "S", "E"]);
    expect(approachChoices(camera, [])).toEqual(["N"]);
  });

  it("names new items with the first unused id", () => {
    expect(unusedId(camera, "N-presence")).toBe("N-presence");
    expect(unusedId(camera, "N-queue")).toBe("N-queue-2");
    expect(unusedId(camera, "N")).toBe("N-2");
  });

  it("adds a drawn zone to an existing approach, rounded into the image, and selects it; the schema accepts it", () => {
    const { camera: next, selection } = withNewZone(camera, "N", "presence", [[10.4, 10.6], [100, -5], [1300, 200]]);
    expect(selection).toEqual({ kind: "zone", approach: 0, zone: 2 });
    expect(next.approaches[0]!.zones[2]).toEqual({ id: "N-presence", kind: "presence", polygon: [[10, 11], [100, 0], [1280, 200]], lanes: 1 });
    expect(camera.approaches[0]!.zones).toHaveLength(2);
    expect(CameraConfig.safeParse(next).success).toBe(true);
  });

  it("adds a drawn line to a new approach entry the controller serves", () => {
    const { camera: next, selection } = withNewLine(camera, "S", "negative", [0, 600], [1280, 600]);
    expect(selection).toEqual({ kind: "line", approach: 1, line: 0 });
    expect(next.approaches[1]).toEqual({ id: "S", zones: [], lines: [{ id: "S-line", from: [0, 600], to: [1280, 600], countDirection: "negative" }] });
    expect(CameraConfig.safeParse(next).success).toBe(true);
  });

  it("deletes a zone or a line, and an approach left measuring nothing", () => {
    expect(withoutSelected(camera, { kind: "zone", approach: 0, zone: 0 }).approaches[0]!.zones.map((z) => z.id)).toEqual(["N-stopbar"]);
    expect(withoutSelected(camera, { kind: "line", approach: 0, line: 0 }).approaches[0]!.lines).toEqual([]);
    const onlyS = withNewLine(camera, "S", "both", [0, 600], [10, 600]).camera;
    expect(withoutSelected(onlyS, { kind: "line", approach: 1, line: 0 }).approaches.map((a) => a.id)).toEqual(["N"]);
  });

  it("inserts a corner mid-edge (the closing edge too) and deletes one", () => {
    const inserted = withVertexInserted(camera, 0, 1, 0);
    expect(inserted.approaches[0]!.zones[1]!.polygon).toEqual([[470, 430], [640, 430], [810, 430], [815, 470], [465, 470]]);
    const closing = withVertexInserted(camera, 0, 1, 3);
    expect(closing.approaches[0]!.zones[1]!.polygon).toEqual([[470, 430], [810, 430], [815, 470], [465, 470], [468, 450]]);
    expect(withoutVertex(inserted, 0, 1, 1).approaches[0]!.zones[1]!.polygon).toEqual(camera.approaches[0]!.zones[1]!.polygon);
    // Three corners deleted to two: the schema's message is what the admin sees.
    const two = withoutVertex(withoutVertex(camera, 0, 1, 0), 0, 1, 0);
    const result = CameraConfig.safeParse(two);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("needs at least 3 points, got 2");
  });

  it("renames, changes kind and direction, and moves an item to another approach", () => {
    const renamed = withSelectedChanged(camera, { kind: "zone", approach: 0, zone: 0 }, { id: "N-q", kind: "presence" });
    expect(renamed.approaches[0]!.zones[0]).toMatchObject({ id: "N-q", kind: "presence", polygon: camera.approaches[0]!.zones[0]!.polygon });
    expect(withSelectedChanged(camera, { kind: "line", approach: 0, line: 0 }, { countDirection: "both" }).approaches[0]!.lines[0]!.countDirection).toBe("both");
    const moved = withSelectedMoved(camera, { kind: "line", approach: 0, line: 0 }, "S");
    expect(moved.camera.approaches.map((a) => [a.id, a.zones.length, a.lines.length])).toEqual([["N", 2, 0], ["S", 0, 1]]);
    expect(moved.selection).toEqual({ kind: "line", approach: 1, line: 0 });
    const back = withSelectedMoved(moved.camera, moved.selection, "N");
    expect(back.camera.approaches.map((a) => [a.id, a.zones.length, a.lines.length])).toEqual([["N", 2, 1]]);
    expect(back.selection).toEqual({ kind: "line", approach: 0, line: 0 });
  });
});
