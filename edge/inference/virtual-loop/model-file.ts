import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildVirtualLoopModel } from "./build-model.js";
import { specHash } from "./spec-hash.js";
import type { VirtualLoopSpecInput } from "./spec.js";

/**
 * Path of the generated model for this spec under `cacheDir`, writing it first if absent.
 * Written to a temporary name and renamed, so a reader never sees half a model and two agents
 * building the same spec at once both end with a whole file.
 */
export async function virtualLoopModelFile(spec: VirtualLoopSpecInput, cacheDir: string): Promise<string> {
  const path = join(cacheDir, `virtual-loop-${specHash(spec).slice(0, 16)}.onnx`);
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
