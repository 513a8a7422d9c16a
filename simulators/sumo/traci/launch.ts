import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { TraciClient } from "./client.js";

/** Where Debian's sumo package puts SUMO's data and tools. */
export const DEFAULT_SUMO_HOME = "/usr/share/sumo";

/** A free TCP port on the loopback interface (SUMO has no "pick one" port of its own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface SumoProcess {
  client: TraciClient;
  /** Ends the simulation (SUMO writes its outputs) and waits for the process to exit. */
  close(): Promise<void>;
  /** What SUMO wrote to stderr (warnings), for diagnosis. */
  stderr(): string;
}

/**
 * Start `sumo` (or `binary`) with `args` and a TraCI server on a free loopback port, and connect.
 * `--remote-port` is added here; everything else (net, routes, step length, seed, outputs) is the caller's.
 */
export async function launchSumo(args: readonly string[], options: { binary?: string; connectTimeoutMs?: number } = {}): Promise<SumoProcess> {
  const binary = options.binary ?? "sumo";
  let lastError: unknown;
  // The port may be taken between choosing and SUMO binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(binary, [...args, "--remote-port", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
      // SUMO validates XML against the schemas under SUMO_HOME; without it, it tries the network.
      env: { ...process.env, SUMO_HOME: process.env.SUMO_HOME ?? DEFAULT_SUMO_HOME },
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-20_000)));
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", (err) => {
        stderr += String(err);
        resolve(-1);
      });
    });
    try {
      const client = await connectWhenReady(port, child, exited, options.connectTimeoutMs ?? 20_000);
      return {
        client,
        stderr: () => stderr,
        close: async () => {
          try {
            await client.close();
          } catch {
            // SUMO may already have ended (simulation over); its exit status says how.
          }
          const code = await exited;
          if (code !== 0) throw new Error(`sumo exited with ${code}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`);
        },
      };
    } catch (err) {
      lastError = new Error(`${err instanceof Error ? err.message : String(err)}${stderr ? `: ${stderr.trim().split("\n").slice(-5).join(" | ")}` : ""}`);
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      if (!/Address already in use|ECONNREFUSED/.test(String(lastError))) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function connectWhenReady(port: number, child: ChildProcess, exited: Promise<number | null>, timeoutMs: number): Promise<TraciClient> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    if (done) throw new Error(`sumo exited before accepting a TraCI connection (exit ${child.exitCode})`);
    try {
      return await TraciClient.connect(port);
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`sumo did not accept a TraCI connection on port ${port} within ${timeoutMs} ms: ${String(err)}`);
      await sleep(20);
    }
  }
}
