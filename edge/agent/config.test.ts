import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../protocol/index.js";
import { loadAgentConfig } from "./config.js";
import { twoPhaseController } from "./test-support/agent-rig.js";

const examples = join(import.meta.dirname, "../../examples");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-config-test-"));
  await mkdir(join(dir, "site"));
  await writeFile(join(dir, "site", "camera.yaml"), await readFile(join(examples, "camera.yaml"), "utf8"));
  await writeFile(join(dir, "site", "controller.json"), JSON.stringify(twoPhaseController()));
  await writeFile(join(dir, "site", "empty-road.jpg"), "not checked until the model loads it");
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A minimal valid file-form config; the camera and controller are files beside it. */
function base(): Record<string, unknown> {
  return {
    intersectionId: "i1",
    region: "r1",
    stateDir: "state",
    broker: { url: "mqtt://127.0.0.1:1883" },
    camera: { source: { type: "folder", path: "frames" }, config: "camera.yaml" },
    controller: "controller.json",
  };
}

async function load(value: Record<string, unknown> | string, name = "agent.yaml"): Promise<ReturnType<typeof loadAgentConfig>> {
  const path = join(dir, "site", name);
  await writeFile(path, typeof value === "string" ? value : name.endsWith(".json") ? JSON.stringify(value) : stringify(value));
  return loadAgentConfig(path);
}

async function loadError(value: Record<string, unknown> | string, name?: string): Promise<string> {
  const error: unknown = await load(value, name).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  return message;
}

describe("loadAgentConfig", () => {
  it("loads the example, resolving its paths against the examples folder and filling the defaults", async () => {
    const config = await loadAgentConfig(join(examples, "agent.yaml"));
    expect(config.stateDir).toBe(join(examples, "state", "main-1st"));
    expect(config.camera.source).toEqual({ type: "folder", path: join(examples, "frames"), fps: 5, loop: true });
    expect(config.camera.config.cameraId).toBe("cam-main-n");
    expect(config.controller.phases.map((p) => p.phase)).toEqual([2, 4]);
    expect(config.controller.phases.map((p) => p.approaches)).toEqual([[{ approachId: "N", lanes: 1, share: 1 }], []]);
    expect(config.model).toEqual({ type: "builtin" });
    expect(config.broker).toMatchObject({ url: "mqtt://127.0.0.1:1883", username: "edge-main-1st", keepaliveS: 30 });
    expect(config).toMatchObject({ measuresIntervalMs: 5000, tickMs: 100, statusIntervalMs: 10_000, log: { level: "info" } });
    expect(config.metrics).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(config.snapshot).toEqual({ intervalMs: 10_000 });
  });

  it("resolves relative paths against the config file's folder, not the working directory", async () => {
    const config = await load({
      ...base(),
      camera: { source: { type: "folder", path: "../frames" }, config: "./camera.yaml", background: "empty-road.jpg" },
      model: { type: "builtin", cacheDir: "cache" },
    });
    expect(process.cwd()).not.toBe(join(dir, "site"));
    expect(config.stateDir).toBe(join(dir, "site", "state"));
    expect(config.camera.source).toMatchObject({ path: join(dir, "frames") });
    expect(config.camera.background).toBe(join(dir, "site", "empty-road.jpg"));
    expect(config.model).toEqual({ type: "builtin", cacheDir: join(dir, "site", "cache") });
    expect(config.controller.fallback.cycleS).toBe(20);
  });

  it("takes the camera and controller configurations inline as well, and reads JSON by the file's name", async () => {
    const camera = (await loadAgentConfig(join(examples, "agent.yaml"))).camera.config;
    const config = await load({ ...base(), camera: { source: { type: "simulator" }, config: camera }, controller: twoPhaseController() }, "agent.json");
    expect(config.camera.config.approaches[0]!.id).toBe("N");
    expect(config.controller.signalGroups.map((g) => g.id)).toEqual(["ns", "ew"]);
  });

  it("keeps absolute paths and a detector model's settings", async () => {
    const model = join(dir, "site", "camera.yaml"); // any existing file: the model is only opened at start
    const config = await load({ ...base(), model: { type: "detector", path: model, scoreThreshold: 0.4 } });
    expect(config.model).toMatchObject({ type: "detector", path: model, scoreThreshold: 0.4, family: "auto" });
  });

  it("names the bad field in one line", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base(), camera: { source: { type: "mjpeg", url: "rtsp://cam" }, config: "camera.yaml" } }, /^agent\.camera\.source\.url: expected an http:\/\/ or https:\/\/ URL/],
      [{ ...base(), broker: { url: "tcp://x" } }, /^agent\.broker\.url: expected an mqtt:\/\//],
      [{ ...base(), intersectionId: "bad id" }, /^agent\.intersectionId: expected an id/],
      [{ ...base(), tickMs: 0 }, /^agent\.tickMs: /],
      [{ ...base(), brokr: {} }, /^agent: .*brokr/],
      [{ ...base(), controller: 7 }, /^agent\.controller: expected a path to a controller configuration file/],
      [{ ...base(), model: { type: "yolo" } }, /^agent\.model\.type: /],
      [{ ...base(), metrics: { port: 70000 } }, /^agent\.metrics\.port: /],
      [{ ...base(), metrics: { prot: 9464 } }, /^agent\.metrics: .*prot/],
      [{ ...base(), snapshot: { intervalMs: 500 } }, /^agent\.snapshot\.intervalMs: /],
      [
        { ...base(), controller: twoPhaseController({ phases: [{ phase: 2, groups: ["ns"], minGreenS: 5, maxGreenS: 30, yellowS: 2, redClearanceS: 1 }] }) },
        /^agent\.controller\.phases\[0\]\.yellowS: /,
      ],
      [
        { ...base(), controller: twoPhaseController({ phases: [{ phase: 2, groups: ["ns"], minGreenS: 5, maxGreenS: 30, yellowS: 3, redClearanceS: 1, approaches: [{ approachId: "Q", lanes: 1 }] }, { phase: 4, groups: ["ew"], minGreenS: 5, maxGreenS: 30, yellowS: 3, redClearanceS: 1 }] }) },
        /^agent\.controller\.phases\[0\]\.approaches\[0\]\.approachId: the camera has no approach "Q" \(it has N\)/,
      ],
      [
        // A camera approach no phase serves: the hub would refuse its measures as unknown_approach.
        {
          ...base(),
          camera: {
            source: { type: "folder", path: "frames" },
            config: { width: 100, height: 100, approaches: [{ id: "N", lines: [{ id: "n", from: [0, 50], to: [100, 50] }] }, { id: "E", lines: [{ id: "e", from: [50, 0], to: [50, 100] }] }] },
          },
        },
        /^agent\.camera\.config\.approaches\[1\]\.id: no phase of the controller serves approach "E" \(they serve N\)/,
      ],
    ];
    for (const [value, expected] of cases) expect(await loadError(value)).toMatch(expected);
  });

  it("names the referenced file and the field inside it", async () => {
    const badCamera = join(dir, "site", "bad-camera.yaml");
    await writeFile(badCamera, "width: 100\nheight: 100\napproaches:\n  - id: N\n    zones:\n      - { id: z, kind: loop, polygon: [[0, 0], [10, 0]] }\n");
    const message = await loadError({ ...base(), camera: { source: { type: "simulator" }, config: "bad-camera.yaml" } });
    expect(message).toMatch(/^agent\.camera\.config \(.*bad-camera\.yaml\): camera\.approaches\[0\]\.zones\[0\]\.polygon: needs at least 3 points/);

    expect(await loadError({ ...base(), controller: "missing.yaml" })).toMatch(/^agent\.controller: cannot read .*missing\.yaml \(no such file\)/);
    expect(await loadError({ ...base(), camera: { source: { type: "simulator" }, config: "camera.yaml", background: "nope.jpg" } })).toMatch(
      /^agent\.camera\.background: cannot read .*nope\.jpg \(no such file\)/,
    );
  });

  it("refuses an unknown key anywhere, naming it, inline or in a referenced file (a misspelt omittable or coordination is not ignored)", async () => {
    const controller = twoPhaseController();
    const misspelt = { ...controller, phases: controller.phases.map((p, i) => (i === 1 ? { ...p, omitable: true } : p)) };
    expect(await loadError({ ...base(), controller: misspelt })).toBe('agent.controller.phases[1]: unknown key "omitable"');
    await writeFile(join(dir, "site", "typo-controller.json"), JSON.stringify({ ...controller, coordinaton: { phase: 2 } }));
    expect(await loadError({ ...base(), controller: "typo-controller.json" })).toMatch(/^agent\.controller \(.*typo-controller\.json\): controller: unknown key "coordinaton"$/);
    expect(await loadError({ ...base(), broker: { url: "mqtt://127.0.0.1:1883", keepaliveSecs: 30 } })).toBe('agent.broker: unknown key "keepaliveSecs"');
    expect(await loadError({ ...base(), camera: { source: { type: "folder", path: "frames", framesPerSecond: 5 }, config: "camera.yaml" } })).toBe('agent.camera.source: unknown key "framesPerSecond"');
  });

  it("reports malformed YAML and a missing file in one line", async () => {
    expect(await loadError("intersectionId: [unclosed\n")).toMatch(/^agent: invalid YAML: /);
    await expect(loadAgentConfig(join(dir, "nowhere.yaml"))).rejects.toThrow(/^agent: cannot read .*nowhere\.yaml \(no such file\)$/);
  });
});
