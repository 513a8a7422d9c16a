import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../hub/broker/index.js";
import { twoPhaseController, Watcher, writeRoadFrames } from "../../edge/agent/test-support/agent-rig.js";

const cli = join(import.meta.dirname, "../../edge/cli.ts");
const tsx = join(import.meta.dirname, "../../node_modules/.bin/tsx");
const HUB = { username: "hub", password: "hub-secret" };

interface Running {
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

function traffic(args: string[]): Running {
  const child = spawn(tsx, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return {
    exited: new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr }))),
    kill: (signal) => child.kill(signal),
  };
}

let dir: string;
let broker: RunningBroker;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-cli-test-"));
  broker = await startBroker({
    host: "127.0.0.1",
    port: 0,
    hub: HUB,
    devices: [{ username: "dev-cli", password: "cli-secret", intersectionId: "cli-1", region: "r1" }],
  });
  await writeRoadFrames(join(dir, "frames"));
  await writeFile(join(dir, "camera.yaml"), await readFile(join(import.meta.dirname, "../../examples/camera.yaml"), "utf8"));
  await writeFile(join(dir, "controller.yaml"), stringify(twoPhaseController()));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

function agentYaml(overrides: Record<string, unknown> = {}): string {
  return stringify({
    intersectionId: "cli-1",
    region: "r1",
    stateDir: "state",
    broker: { url: broker.url, username: "dev-cli", password: "cli-secret" },
    camera: { source: { type: "folder", path: "frames", fps: 10 }, config: "camera.yaml" },
    model: { type: "builtin", cacheDir: "models" },
    controller: "controller.yaml",
    tickMs: 50,
    statusIntervalMs: 500,
    ...overrides,
  });
}

describe("traffic-edge run", () => {
  it("exits with code 2 and one line naming the bad field", async () => {
    const path = join(dir, "bad.yaml");
    await writeFile(path, agentYaml({ camera: { source: { type: "http-snapshot", url: "ftp://cam" }, config: "camera.yaml" } }));
    const { code, stderr } = await traffic(["run", "--config", path]).exited;
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^traffic-edge: agent\.camera\.source\.url: expected an http/)]);
  });

  it("runs the agent until SIGTERM, then stops cleanly with an offline status and exit code 0", async () => {
    const path = join(dir, "agent.yaml");
    await writeFile(path, agentYaml());
    const watcher = await Watcher.open(broker.url, "r1", "cli-1", HUB);
    cleanups.push(() => watcher.close());
    const run = traffic(["run", "--config", path]);
    cleanups.push(async () => {
      run.kill("SIGKILL");
      await run.exited;
    });

    await watcher.waitFor("an online status from the CLI's agent", () => watcher.of("status").find((s) => s.online && s.camera?.ok === true), 30_000);
    await watcher.waitFor("a signal", () => watcher.of("signal")[0]);
    run.kill("SIGTERM");
    const { code, stdout } = await run.exited;
    expect(code).toBe(0);
    await watcher.waitFor("the offline status", () => watcher.of("status").find((s) => !s.online));
    // Structured logs say where it connected and that it stopped.
    const logs = stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(expect.objectContaining({ msg: "connecting to the broker", broker: broker.url }));
    expect(logs).toContainEqual(expect.objectContaining({ msg: "agent stopped" }));
  });
});
