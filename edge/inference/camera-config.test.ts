import { describe, expect, it } from "vitest";
import { ValidationError } from "../../protocol/index.js";
import {
  approachIdsOf,
  countingLinesOf,
  countingZonesOf,
  loadCameraConfig,
  parseCameraConfig,
  type CameraConfigInput,
} from "./camera-config.js";

const YAML_TEXT = `
cameraId: cam-1
width: 640
height: 480
approaches:
  - id: N
    zones:
      - id: N-queue
        kind: queue
        polygon: [[100, 100], [300, 100], [300, 300], [100, 300]]
        capacityVeh: 6
    lines:
      - id: N-stop
        from: [100, 320]
        to: [300, 320]
  - id: S
    zones:
      - id: S-loop
        kind: loop
        polygon: [[400, 300], [500, 300], [500, 400]]
        lanes: 2
virtualLoop:
  diffThreshold: 30
`;

function valid(): CameraConfigInput {
  return {
    width: 640,
    height: 480,
    approaches: [
      {
        id: "N",
        zones: [{ id: "NQ", kind: "queue", polygon: [[0, 0], [100, 0], [100, 100]] }],
        lines: [{ id: "NL", from: [0, 200], to: [640, 200] }],
      },
    ],
  };
}

/** The message a config is rejected with. */
function rejection(value: unknown): string {
  try {
    parseCameraConfig(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("camera config", () => {
  it("loads YAML and fills in the defaults", () => {
    const config = loadCameraConfig(YAML_TEXT, "yaml");
    expect(config.cameraId).toBe("cam-1");
    expect(config.approaches[0].zones[0].lanes).toBe(1);
    expect(config.approaches[0].lines[0].countDirection).toBe("positive");
    expect(config.approaches[1].lines).toEqual([]);
    expect(config.virtualLoop).toEqual({ scale: 0.25, diffThreshold: 30 });
  });

  it("loads the same configuration from JSON", () => {
    const fromYaml = loadCameraConfig(YAML_TEXT, "yaml");
    expect(loadCameraConfig(JSON.stringify(fromYaml), "json")).toEqual(fromYaml);
  });

  it("hands lines and zones to the counters tagged with their approach", () => {
    const config = loadCameraConfig(YAML_TEXT, "yaml");
    expect(approachIdsOf(config)).toEqual(["N", "S"]);
    expect(countingLinesOf(config)).toEqual([
      { id: "N-stop", approachId: "N", from: [100, 320], to: [300, 320], countDirection: "positive" },
    ]);
    expect(countingZonesOf(config).map((z) => [z.id, z.approachId, z.kind, z.capacityVeh, z.lanes])).toEqual([
      ["N-queue", "N", "queue", 6, 1],
      ["S-loop", "S", "loop", undefined, 2],
    ]);
  });

  it("names a polygon with too few points", () => {
    const config = valid();
    config.approaches[0].zones = [{ id: "NQ", kind: "queue", polygon: [[0, 0], [10, 10]] }];
    expect(rejection(config)).toBe("camera.approaches[0].zones[0].polygon: needs at least 3 points, got 2");
  });

  it("rejects a polygon with no area and one whose edges cross", () => {
    const flat = valid();
    flat.approaches[0].zones = [{ id: "NQ", kind: "queue", polygon: [[0, 0], [50, 50], [100, 100]] }];
    expect(rejection(flat)).toMatch(/^camera\.approaches\[0\]\.zones\[0\]\.polygon: encloses no area/);
    const bowTie = valid();
    bowTie.approaches[0].zones = [{ id: "NQ", kind: "queue", polygon: [[0, 0], [100, 100], [100, 0], [0, 50]] }];
    expect(rejection(bowTie)).toMatch(/^camera\.approaches\[0\]\.zones\[0\]\.polygon: edges 0 and 2 cross/);
  });

  it("names a point outside the image", () => {
    const config = valid();
    config.approaches.push({ id: "S", zones: [{ id: "SQ", kind: "presence", polygon: [[10, 10], [700, 10], [10, 100]] }] });
    expect(rejection(config)).toBe("camera.approaches[1].zones[0].polygon[1]: point (700, 10) is outside the 640×480 image");
    const line = valid();
    line.approaches[0].lines = [{ id: "NL", from: [0, -5], to: [100, 10] }];
    expect(rejection(line)).toBe("camera.approaches[0].lines[0].from: point (0, -5) is outside the 640×480 image");
  });

  it("names a duplicate id and where it was first used", () => {
    const config = valid();
    config.approaches.push({ id: "S", lines: [{ id: "NQ", from: [0, 300], to: [640, 300] }] });
    expect(rejection(config)).toBe('camera.approaches[1].lines[0].id: duplicate id "NQ" (already used by approaches[0].zones[0])');
    const twice = valid();
    twice.approaches.push({ ...twice.approaches[0], zones: [], lines: [{ id: "X", from: [0, 1], to: [1, 1] }] });
    expect(rejection(twice)).toMatch(/camera\.approaches\[1\]\.id: duplicate id "N"/);
  });

  it("rejects a counting line whose two points are the same", () => {
    const config = valid();
    config.approaches[0].lines = [{ id: "NL", from: [50, 50], to: [50, 50] }];
    expect(rejection(config)).toBe(
      "camera.approaches[0].lines[0]: from and to are the same point; a counting line needs two distinct points",
    );
  });

  it("names misspelt keys, wrong kinds and missing sizes", () => {
    const config = { ...valid(), hieght: 480 };
    expect(rejection(config)).toMatch(/camera: Unrecognized key: "hieght"/);
    const kind = valid();
    expect(rejection({ ...kind, approaches: [{ ...kind.approaches[0], zones: [{ id: "Z", kind: "stop", polygon: [[0, 0], [1, 0], [0, 1]] }] }] })).toMatch(
      /^camera\.approaches\[0\]\.zones\[0\]\.kind: /,
    );
    expect(rejection({ approaches: valid().approaches, height: 480 })).toMatch(/^camera\.width: /);
    expect(rejection({ ...valid(), approaches: [] })).toBe("camera.approaches: needs at least one approach");
    expect(rejection({ ...valid(), approaches: [{ id: "N" }] })).toBe(
      "camera.approaches[0]: needs at least one zone or line, or it measures nothing",
    );
  });

  it("rejects a virtual-loop scale outside (0, 1]", () => {
    expect(rejection({ ...valid(), virtualLoop: { scale: 0 } })).toMatch(/^camera\.virtualLoop\.scale: /);
    expect(rejection({ ...valid(), virtualLoop: { scale: 1.5 } })).toMatch(/^camera\.virtualLoop\.scale: /);
  });

  it("gives a one-line error for malformed YAML and JSON", () => {
    for (const [text, format] of [
      ["width: 640\napproaches: [\n  - id: N\n", "yaml"],
      ["width: 640\nwidth: 480\n", "yaml"],
      ['{ "width": 640, }', "json"],
    ] as const) {
      let message = "";
      try {
        loadCameraConfig(text, format);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        message = (error as Error).message;
      }
      expect(message).toMatch(new RegExp(`^camera: invalid ${format.toUpperCase()}: \\S`));
      expect(message).not.toContain("\n");
    }
  });
});
