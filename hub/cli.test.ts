import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadHubConfig, plaintextListenerProblem } from "./config.js";

const root = resolve(import.meta.dirname, "..");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hub-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Run the CLI with tsx; resolves with its exit code, stdout and stderr. `onLine` sees stdout lines as they come. */
function runCli(args: string[], onLine: (line: string, kill: () => void) => void = () => undefined): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "hub/cli.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of chunk.toString().split("\n")) if (line) onLine(line, () => child.kill("SIGTERM"));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("traffic-hub command", () => {
  it("exits 2 with one line naming the bad field of a bad configuration", async () => {
    const path = join(dir, "bad.yaml");
    await writeFile(path, stringify({ api: { port: 99999 } }));
    const { code, stderr } = await runCli(["--config", path]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/hub\.api\.port: /);
  });

  it("exits 2 before starting anything for a regions list that mixes \"+\" with a region, and for an unknown key", async () => {
    for (const [name, value, expected] of [
      ["regions.yaml", { regions: ["north", "+"], broker: { type: "embedded", port: 0 }, api: { port: 0 } }, /hub\.regions: "\+" \(all regions\) must be the only entry/],
      ["typo.yaml", { broker: { type: "embedded", port: 0 }, api: { port: 0 }, limits: { maxHoldSeconds: 60 } }, /hub\.limits: unknown key "maxHoldSeconds"/],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, stringify(value));
      const { code, stderr } = await runCli(["--config", path]);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(expected);
    }
  });

  it("refuses (exit 2, saying why) to listen beyond this machine without TLS unless insecure: true", async () => {
    const path = join(dir, "clear.yaml");
    await writeFile(path, stringify({ broker: { type: "embedded", host: "0.0.0.0", port: 0 }, api: { port: 0 } }));
    const { code, stderr } = await runCli(["--config", path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the MQTT broker on 0\.0\.0\.0 would listen beyond this machine without TLS.*insecure: true/);
    const config = await loadHubConfig(path);
    expect(plaintextListenerProblem(config)).not.toBeNull();
    expect(plaintextListenerProblem({ ...config, insecure: true })).toBeNull();
    expect(plaintextListenerProblem({ ...config, api: { ...config.api, host: "10.0.0.5" }, broker: { ...config.broker, host: "127.0.0.1" } as typeof config.broker })).toMatch(/^the API on 10\.0\.0\.5/);
  });

  it("logs the dashboard URL and stops gracefully on SIGTERM", async () => {
    const example = await loadHubConfig(join(root, "examples/hub.yaml"));
    const config = { ...example, broker: { ...example.broker, port: 0 }, api: { ...example.api, port: 0 }, log: { level: "info" } };
    const path = join(dir, "good.json");
    await writeFile(path, JSON.stringify(config));
    let url: string | undefined;
    const { code } = await runCli(["--config", path], (line, kill) => {
      const match = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (match && url === undefined) {
        url = match[1];
        kill();
      }
    });
    expect(url).toBeDefined();
    expect(code).toBe(0);
  });
});
