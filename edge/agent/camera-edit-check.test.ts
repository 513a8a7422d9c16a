import { describe, expect, it } from "vitest";
import { cameraEditProblems } from "./camera-edit-check.js";
import { ControllerConfig } from "./controller/index.js";
import { exampleCamera, twoPhaseController } from "./test-support/agent-rig.js";

describe("cameraEditProblems: what a dashboard edit of the camera may not do", () => {
  const controller = ControllerConfig.parse(twoPhaseController());

  it("accepts the camera as it is, moved zones, and new zones and lines on a served approach", async () => {
    const camera = await exampleCamera();
    expect(cameraEditProblems(camera, camera, controller)).toEqual([]);
    const [n] = camera.approaches;
    const more = { ...camera, approaches: [{ ...n!, zones: [...n!.zones, { id: "N-new", kind: "loop" as const, polygon: [[1, 1], [50, 1], [50, 40]] as [number, number][], lanes: 1 }], lines: [] }] };
    expect(cameraEditProblems(camera, more, controller)).toEqual([]);
  });

  it("refuses an approach no phase serves, dropping a served one, and dropping or renaming a detector zone", async () => {
    const camera = await exampleCamera();
    const [n] = camera.approaches;
    const extra = { ...camera, approaches: [n!, { id: "E", zones: [], lines: [{ id: "e", from: [0, 0] as [number, number], to: [9, 9] as [number, number], countDirection: "both" as const }] }] };
    expect(cameraEditProblems(camera, extra, controller)).toEqual(['camera.approaches[1].id: no phase of the controller serves approach "E" (they serve N)']);
    const renamedApproach = { ...camera, approaches: [{ ...n!, id: "S" }] };
    expect(cameraEditProblems(camera, renamedApproach, controller)).toEqual([
      'agent.controller.phases[0].approaches[0].approachId: the camera has no approach "N" (it has S)',
      'camera.approaches[0].id: no phase of the controller serves approach "S" (they serve N)',
    ]);
    const renamedLoop = { ...camera, approaches: [{ ...n!, zones: n!.zones.map((z) => (z.id === "N-stopbar" ? { ...z, id: "N-loop" } : z)) }] };
    expect(cameraEditProblems(camera, renamedLoop, controller)).toEqual([
      'camera: zone "N-stopbar" is phase 2\'s detector in the controller\'s configuration; keep a zone with that id',
    ]);
  });
});
