#!/usr/bin/env node
/**
 * The one-command city (`npm start`): the hub (embedded broker, in-memory history unless a
 * time-series URL is given, API and dashboard) and a simulated scenario in real time, where every
 * intersection is driven by a real edge agent (rendered camera frames → built-in model → measures
 * over MQTT with its own device account; plans and operator commands back to its controller).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { pino } from "pino";
import type { CameraConfig, RawRgbFrame } from "../edge/inference/index.js";
import { startHubServer } from "../hub/server.js";
import { encodeJpeg } from "./camera/index.js";
import { devicePasswords, hubConfigForScenario, startHubBridge } from "./closed-loop/hub-bridge.js";
import { runClosedLoop } from "./closed-loop/run.js";
import { loadScenario } from "./traffic/load-scenario.js";

interface CityOptions {
  scenario: string;
  apiPort: string;
  brokerPort: string;
  speed: string;
  timeSeriesUrl?: string;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

async function main(opts: CityOptions): Promise<void> {
  const log = pino({ level: process.env.LOG_LEVEL ?? "info" });
  const scenario = await loadScenario(opts.scenario);
  const speed = Number(opts.speed);
  const passwords = devicePasswords(scenario);
  const tokens = {
    operator: process.env.TRAFFIC_OPERATOR_TOKEN ?? `op-${randomBytes(12).toString("hex")}`,
    viewer: process.env.TRAFFIC_VIEWER_TOKEN ?? `view-${randomBytes(12).toString("hex")}`,
    admin: process.env.TRAFFIC_ADMIN_TOKEN ?? `admin-${randomBytes(12).toString("hex")}`,
  };
  const uiDir = resolve(packageRoot(), "dist/ui");
  const config = hubConfigForScenario(scenario, {
    clock: speed === 1 ? "wall" : "measures",
    brokerPort: Number(opts.brokerPort),
    apiPort: Number(opts.apiPort),
    passwords,
    tokens: [
      { name: "operator", role: "operator", token: tokens.operator },
      { name: "viewer", role: "viewer", token: tokens.viewer },
      { name: "admin", role: "admin", token: tokens.admin },
    ],
  });
  // Simulated time runs `speed` times the wall clock from now; the hub's clock is that time, so
  // device `ts` are checked against it and plans are made at it.
  const epochMs = Date.now();
  const simNow = (): number => epochMs + (Date.now() - epochMs) * speed;
  const server = await startHubServer(
    {
      ...config,
      api: { ...config.api, ...(existsSync(uiDir) ? { uiDir } : {}) },
      ...(opts.timeSeriesUrl ? { timeSeries: { url: opts.timeSeriesUrl } } : {}),
      log: { level: "info" },
    },
    { logger: log, now: simNow },
  );
  const bridge = await startHubBridge(scenario, { existing: { hub: server.hub, passwords }, realtime: true });

  // The dashboard shows each camera's latest frame: keep a copy about once a second, encode on request.
  const latest = new Map<string, { frame: RawRgbFrame; copiedAtMs: number }>();
  const cameras = new Map<string, CameraConfig>();
  const onFrame = (id: string, frame: RawRgbFrame, camera: CameraConfig): void => {
    const now = Date.now();
    const kept = latest.get(id);
    if (!cameras.has(id)) {
      cameras.set(id, camera);
      server.hub.registerCamera(id, {
        camera,
        latestJpeg: async () => {
          const f = latest.get(id);
          return f ? encodeJpeg(f.frame) : null;
        },
      });
    }
    if (kept && now - kept.copiedAtMs < 1000) return;
    latest.set(id, { frame: { ...frame, data: new Uint8Array(frame.data) }, copiedAtMs: now });
  };

  const stop = new AbortController();
  const pace = async (simMs: number): Promise<void> => {
    const due = epochMs + (simMs - epochMs) / speed;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  process.stdout.write(
    [
      "",
      `Simulated city "${scenario.name}": ${scenario.intersections.length} intersections, each driven by an edge agent over MQTT (${server.hub.brokerUrl})`,
      `Dashboard: ${server.url}/${existsSync(uiDir) ? "" : "  (not built: run npm run build:ui)"}`,
      `  operator token: ${tokens.operator}`,
      `  viewer token:   ${tokens.viewer}`,
      `  admin token:    ${tokens.admin}`,
      `API: ${server.url}/api (OpenAPI: ${server.url}/api/openapi.json), metrics: ${server.url}/metrics`,
      "Ctrl-C stops.",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    stop.abort();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  const result = await runClosedLoop(
    scenario,
    { controller: "hub", durationS: Infinity },
    { hub: bridge, pace, onFrame, signal: stop.signal, epochMs },
  );
  log.info(result, "simulation stopped");
  await bridge.close();
  await server.stop();
}

new Command("traffic-city")
  .description("the hub, its dashboard and a simulated city of edge agents, in real time")
  .option("--scenario <name|file>", "bundled scenario (single, corridor, grid) or a scenario file", "corridor")
  .option("--api-port <n>", "dashboard and API port (0: any free port)", process.env.TRAFFIC_API_PORT ?? "8080")
  .option("--broker-port <n>", "embedded MQTT broker port (0: any free port)", process.env.TRAFFIC_BROKER_PORT ?? "1883")
  .option("--speed <x>", "simulated seconds per real second", "1")
  .option("--time-series-url <url>", "InfluxDB/VictoriaMetrics URL to record to (default: in memory only)", process.env.TRAFFIC_TSDB_URL)
  .action(async (opts: CityOptions) => {
    await main(opts);
  })
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`traffic-city: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
