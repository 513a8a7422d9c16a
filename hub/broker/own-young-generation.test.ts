import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { workerWithOwnYoungGeneration } from "./own-young-generation.js";

// A worker that keeps a few hundred thousand objects alive while allocating more (so its
// semi-spaces grow to their maximum), then reports its young generation's committed size in MB.
const CHURN = `
const { parentPort } = require("node:worker_threads");
const { getHeapSpaceStatistics } = require("node:v8");
let keep = [];
for (let i = 0; i < 1e6; i++) { keep.push({ i, s: "x" + i }); if (keep.length > 200000) keep = []; }
parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 2 ** 20);
`;
const youngGenerationMb = (worker: Worker): Promise<number> =>
  new Promise((resolve, reject) => {
    worker.once("message", (mb: number) => resolve(mb));
    worker.once("error", reject);
  }).finally(() => worker.terminate()) as Promise<number>;

describe("workerWithOwnYoungGeneration", () => {
  // As `traffic-hub` runs: the process-wide flag set (here after start; V8 reads it per new isolate).
  afterEach(() => setFlagsFromString("--max-semi-space-size=0"));

  it("gives the worker the young generation it asks for, not the process-wide --max-semi-space-size", async () => {
    setFlagsFromString("--max-semi-space-size=32");
    const plain = await youngGenerationMb(new Worker(CHURN, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 24 } }));
    setFlagsFromString("--max-semi-space-size=32");
    const own = await youngGenerationMb(workerWithOwnYoungGeneration(CHURN, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 24 } }));
    // 24 MB of young generation is two 8 MB semi-spaces (and as much for new large objects).
    expect(own).toBeLessThanOrEqual(16);
    // Without it the flag wins: two 32 MB semi-spaces.
    expect(plain).toBeGreaterThan(32);
  });
});
