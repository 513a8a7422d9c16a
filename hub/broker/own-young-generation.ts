import { setFlagsFromString } from "node:v8";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread whose young generation is the one its `resourceLimits.maxYoungGenerationSizeMb`
 * asks for. V8 gives a process-wide `--max-semi-space-size` (the hub runs with 32 MB, for its main
 * thread) precedence over a worker's own limit, so a worker otherwise gets the main thread's
 * 64 MB of semi-spaces (docs/benchmarks.md, bench:hostile, session 9). The flag is read once per
 * isolate, when its heap is set up: clearing it here leaves the running main thread's heap as it is
 * and lets this worker's (and any later one's) `resourceLimits` apply.
 */
export function workerWithOwnYoungGeneration(entry: URL | string, options: WorkerOptions & { resourceLimits: { maxYoungGenerationSizeMb: number } }): Worker {
  setFlagsFromString("--max-semi-space-size=0");
  return new Worker(entry, options);
}
