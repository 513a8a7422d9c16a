import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

/** `traffic-sim` from source; the result JSON of its last line, each controller's wall time left out. */
async function compare(jobs: number): Promise<Record<string, Record<string, unknown>>> {
  const args = ["--import", "tsx", join(root, "simulators/cli.ts"), "--scenario", "single", "--duration", "120", "--compare", "fixed,actuated,hub", "--json", "--jobs", String(jobs)];
  const { stdout } = await run(process.execPath, args, { cwd: root });
  const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as { policies: Record<string, Record<string, unknown>> };
  return Object.fromEntries(Object.entries(out.policies).map(([k, { wallS: _wall, ...rest }]) => [k, rest]));
}

describe("traffic-sim --compare", () => {
  it("gives the same results with its controllers side by side in child processes as one after another in process", async () => {
    const [parallel, sequential] = await Promise.all([compare(3), compare(1)]);
    expect(Object.keys(parallel)).toEqual(["fixed", "actuated", "hub"]);
    expect(parallel).toEqual(sequential);
    expect(parallel["hub"]).toMatchObject({ controller: "hub", conflictViolations: 0, durationS: 120 });
  }, 120_000);
});
