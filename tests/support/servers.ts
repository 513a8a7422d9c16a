import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCi } from "./shared.js";

/** A free TCP port on 127.0.0.1 (the OS picks; we release it just before the server binds). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether a server binary is here. Off CI a missing one skips its tests with the install command
 * as the reason; on CI (`CI=true`) it does not skip, so the test fails loudly instead.
 */
export function serverBinary(path: string, debianPackage: string): { path: string; skip: boolean; reason: string } {
  const present = existsSync(path);
  return {
    path,
    skip: !present && !onCi,
    reason: present ? "" : `${path} not found: install it with 'apt-get install ${debianPackage}'`,
  };
}

export const mosquittoBinary = serverBinary("/usr/sbin/mosquitto", "mosquitto");
export const victoriaMetricsBinary = serverBinary("/usr/bin/victoria-metrics", "victoria-metrics");
export const sumoBinary = serverBinary("/usr/bin/sumo", "sumo");
/** One of SUMO's traffic-light game networks that Debian's sumo-tools ships (read in place, never copied). */
export const sumoGameNet = (name: "corridor" | "square"): ReturnType<typeof serverBinary> => serverBinary(`/usr/share/sumo/tools/game/${name}/${name}.net.xml`, "sumo-tools");

/** A child server process that can be stopped and started again on the same port and data. */
export interface ManagedServer {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop and remove its temporary directory. */
  dispose(): Promise<void>;
}

export async function managed(
  name: string,
  port: number,
  url: string,
  dir: string,
  launch: () => ChildProcess,
  ready: () => Promise<void>,
  /** How long SIGTERM may take before SIGKILL; and whether stop() fails on an unclean exit. */
  shutdown: { killAfterMs: number; requireCleanExit: boolean } = { killAfterMs: 5000, requireCleanExit: false },
): Promise<ManagedServer> {
  let child: ChildProcess | undefined;
  let output = "";
  const server: ManagedServer = {
    port,
    url,
    async start() {
      if (child) return;
      output = "";
      child = launch();
      child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
      child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
      const exited = new Promise<never>((_, reject) =>
        child!.once("exit", (code) => reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`))),
      );
      exited.catch(() => undefined);
      await Promise.race([ready(), exited]);
    },
    async stop() {
      const c = child;
      if (!c) return;
      child = undefined;
      if (c.exitCode !== null) return;
      let killed = false;
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          killed = true;
          c.kill("SIGKILL");
        }, shutdown.killAfterMs);
        c.once("exit", (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
        c.kill("SIGTERM");
      });
      // A server killed or failing on the way down may lose what it acknowledged: say so here,
      // rather than let a test blame the client for the missing data.
      if (shutdown.requireCleanExit && (killed || code !== 0)) {
        throw new Error(`${name} did not shut down cleanly (${killed ? `killed after ${shutdown.killAfterMs} ms` : `exit code ${code}`}):\n${output}`);
      }
    },
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A real Mosquitto on 127.0.0.1, anonymous, no persistence; `extraConfig` lines are appended. */
export async function startMosquitto(extraConfig: string[] = []): Promise<ManagedServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  await writeFile(conf, [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", "log_dest stderr", ...extraConfig].join("\n") + "\n");
  return managed(
    "mosquitto",
    port,
    `mqtt://127.0.0.1:${port}`,
    dir,
    () => spawn(mosquittoBinary.path, ["-c", conf], { stdio: ["ignore", "pipe", "pipe"] }),
    () => waitForPort(port),
  );
}

/**
 * A real VictoriaMetrics (accepts InfluxDB's /api/v2/write) on 127.0.0.1 with a temporary data dir.
 * `extraArgs` are appended to its command line (e.g. `-dedup.minScrapeInterval=1ms`).
 */
export async function startVictoriaMetrics(extraArgs: string[] = []): Promise<ManagedServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "victoria-"));
  const url = `http://127.0.0.1:${port}`;
  return managed(
    "victoria-metrics",
    port,
    url,
    dir,
    () =>
      spawn(
        victoriaMetricsBinary.path,
        [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, "data")}`, "-retentionPeriod=1y", "-search.latencyOffset=0s", "-loggerLevel=ERROR", ...extraArgs],
        { stdio: ["ignore", "pipe", "pipe"] },
      ),
    async () => {
      await waitForPort(port, 20_000);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const res = await fetch(`${url}/health`).catch(() => undefined);
        if (res?.ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("victoria-metrics did not become healthy");
    },
    // Its graceful shutdown flushes acknowledged samples to disk; a kill loses the last seconds.
    { killAfterMs: 30_000, requireCleanExit: true },
  );
}

/**
 * A plain in-process aedes broker on 127.0.0.1 (no auth): the reference broker for client tests.
 * The hub's own broker (with auth and ACL) lives in hub/; this one stands in for "a broker".
 */
export async function startAedes(): Promise<ManagedServer> {
  const { Aedes } = await import("aedes");
  const port = await freePort();
  let broker: InstanceType<typeof Aedes> | undefined;
  let server: ReturnType<typeof createServer> | undefined;
  const sockets = new Set<import("node:net").Socket>();
  const self: ManagedServer = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      if (server) return;
      broker = await Aedes.createBroker();
      const b = broker;
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        b.handle(socket);
      });
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(port, "127.0.0.1", () => resolve());
      });
    },
    async stop() {
      const s = server;
      const b = broker;
      server = undefined;
      broker = undefined;
      if (!s || !b) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
      await new Promise<void>((resolve) => b.close(() => resolve()));
    },
    async dispose() {
      await self.stop();
    },
  };
  await self.start();
  return self;
}
