import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildVirtualLoopModel, VIRTUAL_LOOP_GRAPH_VERSION } from "./build-model.js";
import { virtualLoopModelFile } from "./model-file.js";
import type { VirtualLoopSpecInput } from "./spec.js";
import { specHash } from "./spec-hash.js";

const spec: VirtualLoopSpecInput = {
  width: 32,
  height: 18,
  zones: [{ id: "stop-line", polygon: [[2, 2], [14, 2], [14, 10], [2, 10]] }],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "virtual-loop-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("virtualLoopModelFile", () => {
  it("writes the model under a name from the graph version and spec hash, creating the cache folder", async () => {
    const cacheDir = join(dir, "models", "cache");
    const path = await virtualLoopModelFile(spec, cacheDir);
    expect(basename(path)).toBe(`virtual-loop-v${VIRTUAL_LOOP_GRAPH_VERSION}-${specHash(spec).slice(0, 16)}.onnx`);
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(buildVirtualLoopModel(spec)))).toBe(true);
    expect(await readdir(cacheDir)).toEqual([basename(path)]);
  });

  it("never picks up a file cached under the old, unversioned name", async () => {
    const stale = join(dir, `virtual-loop-${specHash(spec).slice(0, 16)}.onnx`);
    await writeFile(stale, "a model from the whole-frame graph");
    const path = await virtualLoopModelFile(spec, dir);
    expect(path).not.toBe(stale);
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(buildVirtualLoopModel(spec)))).toBe(true);
  });

  it("leaves an existing file alone", async () => {
    const path = await virtualLoopModelFile(spec, dir);
    const before = await stat(path);
    const again = await virtualLoopModelFile(spec, dir);
    const after = await stat(again);
    expect(again).toBe(path);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it("gives a different spec a different file", async () => {
    const a = await virtualLoopModelFile(spec, dir);
    const b = await virtualLoopModelFile({ ...spec, occupiedFraction: 0.5 }, dir);
    expect(b).not.toBe(a);
    expect((await readdir(dir)).sort()).toEqual([basename(a), basename(b)].sort());
  });

  it("builds concurrently requested copies into one whole file", async () => {
    const paths = await Promise.all([1, 2, 3, 4].map(() => virtualLoopModelFile(spec, dir)));
    expect(new Set(paths).size).toBe(1);
    expect(await readdir(dir)).toEqual([basename(paths[0])]);
    expect(Buffer.from(await readFile(paths[0])).equals(Buffer.from(buildVirtualLoopModel(spec)))).toBe(true);
  });
});
