import { pino } from "pino";
import { ValidationError, topicFilter } from "../../protocol/index.js";
import { Agent } from "./agent.js";
import { loadAgentConfig, type AgentConfig } from "./config.js";
import { systemdNotifier } from "../../common/systemd-notify.js";

export interface RunAgentIo {
  /** One line for the operator (no newline). */
  error(line: string): void;
}

const defaultIo: RunAgentIo = { error: (line) => process.stderr.write(`${line}\n`) };

/**
 * `traffic-edge run`: load the config, start the agent, run until SIGINT or SIGTERM, stop cleanly.
 * Resolves with the exit code: 0 after a clean stop, 2 for a bad configuration (one line that names
 * the field). Anything else that stops the start (a model that will not load) rejects.
 */
export async function runAgent(configPath: string, io: RunAgentIo = defaultIo): Promise<number> {
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(configPath);
  } catch (err) {
    if (err instanceof ValidationError) {
      io.error(`traffic-edge: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const logger = pino({ level: config.log.level });
  const agent = await Agent.start(config, { logger });
  const systemd = systemdNotifier();
  systemd.ready(`intersection ${config.intersectionId} running`);
  logger.info(
    { broker: config.broker.url, topics: topicFilter(config.region, config.intersectionId, "+"), stateDir: config.stateDir },
    `agent ${config.intersectionId} running; stop with Ctrl-C`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  // A second signal while stopping means "now": the outbox on disk keeps what was not sent.
  const force = (): void => process.exit(1);
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  logger.info({ signal }, "stopping");
  systemd.stopping();
  await agent.stop();
  process.off("SIGINT", force);
  process.off("SIGTERM", force);
  return 0;
}
