import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildVirtualLoopModel, VIRTUAL_LOOP_GRAPH_VERSION } from "./build-model.js";
import { specHash } from "./spec-hash.js";
import type { VirtualLoopSpecInput } from "./spec.js";

/**
 * File name of the generated model: graph version and spec hash, so a file built by an older graph
 * (or for another spec) is never picked up.
 */
export function virtualLoopModelFileName(spec: VirtualLoopSpecInput): string {
  return `virtual-loop-v${VIRTUAL_LOOP_GRAPH_VERSION}-${specHash(spec).slice(0, 16)}.onnx`;
}

/**
 * Path of the generated model for this spec under `cacheDir`, writing it first if absent.
 * Written to a temporary name and renamed, so a reader never sees half a model and two agents
 * building the same spec at once both end with a whole file.
 */
export async function virtualLoopModelFile(spec: VirtualLoopSpecInput, cacheDir: string): Promise<string> {
  const path = join(cacheDir, virtualLoopModelFileName(spec));
  if (await exists(path)) return path;
  const bytes = buildVirtualLoopModel(spec);
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return path;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
