import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedFile } from "../tests/support/shared.js";

const run = promisify(execFile);
const cli = join(import.meta.dirname, "cli.ts");
const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");

async function traffic(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const yolox = sharedFile("models/yolox_nano.onnx");
const dogJpg = sharedFile("fixtures/images/dog.jpg");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-test-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.skipIf(yolox.skip || dogJpg.skip)("traffic-edge detect", () => {
  it("prints one JSON document with detections in original pixels and vehicle counts", async () => {
    const r = await traffic(["detect", "--model", yolox.path, "--json", dogJpg.path]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { model: string; images: { width: number; detections: { class: string; box: number[] }[]; vehicles: Record<string, number> }[] };
    expect(doc.model).toMatch(/^yolox_nano\.onnx@/);
    expect(doc.images[0]!.width).toBe(768);
    expect(doc.images[0]!.detections.map((d) => d.class)).toEqual(expect.arrayContaining(["dog", "bicycle"]));
    expect(doc.images[0]!.vehicles.bicycle).toBe(1);
  });

  it("prints per-approach measures with --zones and keeps going past a bad image with a non-zero exit", async () => {
    const zones = join(dir, "camera.yaml");
    await writeFile(
      zones,
      ["width: 768", "height: 576", "approaches:", "  - id: N", "    zones:", "      - id: N-q", "        kind: queue", "        polygon: [[400, 60], [768, 60], [768, 200], [400, 200]]"].join("\n"),
    );
    const bad = join(dir, "broken.jpg");
    await writeFile(bad, "not really a jpeg");
    const r = await traffic(["detect", "--model", yolox.path, "--zones", zones, dogJpg.path, bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^traffic-edge: .*broken\.jpg: not an image/)]);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.approaches).toEqual([expect.objectContaining({ approachId: "N" })]);
    expect(lines[1]!.measures).toEqual(expect.objectContaining({ framesProcessed: 1 }));
  });
});

describe("traffic-edge errors", () => {
  it("says a missing model file is missing, in one line", async () => {
    const r = await traffic(["detect", "--model", join(dir, "none.onnx"), "x.jpg"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^traffic-edge: .*none\.onnx: no such model file$/);
  });

  it("says an image is not an ONNX model", async () => {
    const png = join(dir, "model.onnx");
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toFile(png);
    const r = await traffic(["detect", "--model", png, "x.jpg"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/model\.onnx: not an ONNX model/);
  });

  it("names the bad field of a camera configuration", async () => {
    const zones = join(dir, "bad-camera.json");
    await writeFile(zones, JSON.stringify({ width: 100, height: 100, approaches: [{ id: "N", zones: [{ id: "z", kind: "queue", polygon: [[0, 0], [1, 1]] }] }] }));
    const r = await traffic(["detect", "--model", "builtin", "--zones", zones, "x.jpg"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/camera\.approaches\[0\]\.zones\[0\]\.polygon: needs at least 3 points, got 2/);
  });

  it("refuses the built-in model without zones", async () => {
    const r = await traffic(["detect", "--model", "builtin", "x.jpg"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/needs --zones/);
  });
});
