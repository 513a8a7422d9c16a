#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 node --max-semi-space-size=32 --min-semi-space-size=32
// 32 MB semi-spaces (V8's default is 16): at thousands of intersections, messages that live a few
// hundred milliseconds (coalescing, queued plans, socket writes) otherwise get promoted and the
// old-space collections they cause stall the hub by 100–450 ms every minute (docs/experiments/log.md).
// Two malloc arenas (glibc's default is 8 per core): the native side (sockets, SQLite, the thread
// pool's scrypt) then keeps 70–100 MB less resident for the same work (docs/benchmarks.md, bench:hostile).
import { Command } from "commander";
import { ValidationError } from "../protocol/index.js";
import { loadHubConfig, plaintextListenerProblem, type HubConfig } from "./config.js";
import { systemdNotifier } from "../common/systemd-notify.js";

/** Exit codes: 0 clean stop, 1 failed at run time, 2 bad configuration. */
const EXIT_CONFIG = 2;

async function run(opts: { config: string }): Promise<void> {
  let config: HubConfig;
  try {
    config = await loadHubConfig(opts.config);
  } catch (err) {
    // One line that names the bad field, nothing else: the operator fixes the file and retries.
    process.stderr.write(`traffic-hub: ${err instanceof ValidationError ? err.message : `cannot load ${opts.config}: ${(err as Error).message}`}\n`);
    process.exit(EXIT_CONFIG);
  }
  const problem = plaintextListenerProblem(config);
  if (problem !== null) {
    process.stderr.write(`traffic-hub: ${problem}\n`);
    process.exit(EXIT_CONFIG);
  }
  // Loaded only once the configuration is good, so a bad one is reported fast.
  const { startHubServer } = await import("./server.js");
  const server = await startHubServer(config);
  const systemd = systemdNotifier();
  systemd.ready(`serving ${server.url}`);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    // A second signal while stopping means "now".
    if (++signals > 1) process.exit(1);
    server.hub.log.info({ signal }, "stopping");
    systemd.stopping();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.hub.log.error({ err }, "stop failed");
        process.exit(1);
      },
    );
  };
  // A broker thread that died leaves the hub deaf: exit, so the service manager restarts it.
  void server.hub.failed.then((err) => {
    server.hub.log.fatal({ err }, "the hub cannot go on");
    process.exit(1);
  });
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

const program = new Command()
  .name("traffic-hub")
  .description("The traffic hub: MQTT broker, ingest, adaptive signal plans, REST API, live stream and dashboard")
  .requiredOption("-c, --config <file>", "hub configuration (YAML or JSON)")
  .action(run);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`traffic-hub: ${(err as Error).message}\n`);
  process.exit(1);
});
