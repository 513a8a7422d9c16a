import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { startBroker, startBrokerThread, type RunningBroker } from "../broker/index.js";
import { readTlsFile, type HubConfig } from "../config.js";
import { LinkConfig } from "./config.js";
import { connectBroker, type BrokerConnection } from "./connection.js";

/** The named fields of `from` that are set. */
function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/** The hub's broker feature: the embedded broker (when configured) and the hub's connection to whichever broker it uses. */
export interface BrokerLink {
  /** The embedded broker, or null with an external one. */
  readonly broker: RunningBroker | null;
  /** Where devices connect (the embedded broker's TCP listener, or the external broker's URL). */
  readonly url: string;
  readonly connection: BrokerConnection;
  /** Close the connection, then the embedded broker. */
  stop(): Promise<void>;
}

/** Start the embedded broker (if configured) and connect the hub to its broker. */
export async function startBrokerLink(config: HubConfig, log: Logger, now: () => number): Promise<BrokerLink> {
  if (config.broker.type === "external") {
    const { url, username, password } = config.broker;
    const connection = await connectBroker(LinkConfig.parse({ url, ...(username ? { username } : {}), ...(password ? { password } : {}) }), { logger: log.child({ module: "ingest" }), now });
    log.info({ url }, "using an external MQTT broker");
    return { broker: null, url, connection, stop: () => connection.stop() };
  }
  // The hub's own account: from config, or a fresh random one nobody else knows.
  const hubAccount = config.broker.hub ?? { username: "hub", password: randomBytes(18).toString("base64url") };
  const tls = config.broker.tls;
  const start = config.broker.thread ? startBrokerThread : startBroker;
  const broker = await start(
    {
      ...(tls
        ? {
            tls: {
              cert: await readTlsFile(tls.certFile, "hub.broker.tls.certFile"),
              key: await readTlsFile(tls.keyFile, "hub.broker.tls.keyFile"),
              ...(tls.clientCaFile ? { clientCa: await readTlsFile(tls.clientCaFile, "hub.broker.tls.clientCaFile") } : {}),
            },
          }
        : {}),
      host: config.broker.host,
      port: config.broker.port,
      websocket: config.broker.websocketPort === null ? null : { host: config.broker.host, port: config.broker.websocketPort },
      devices: config.broker.devices,
      hub: hubAccount,
      allowAnonymous: config.broker.allowAnonymous,
      ...pick(config.broker, ["maxConnections", "preLoginMaxPacketBytes", "maxPasswordChecks", "loginBackoff", "publishRate"]),
    },
    { logger: log.child({ module: "broker" }) },
  );
  if (!("password" in hubAccount) || hubAccount.password === undefined) {
    await broker.stop();
    throw new Error("hub.broker.hub: the hub's own account needs a plain password to log in with");
  }
  log.info({ url: broker.url, ws: broker.wsUrl, devices: config.broker.devices.length, thread: config.broker.thread }, "embedded MQTT broker listening");
  // With the embedded broker the hub needs no socket, MQTT encoding or ack round trip: in process,
  // or over the broker thread's message port.
  const connection = await connectBroker(LinkConfig.parse({ url: broker.url, username: hubAccount.username, password: hubAccount.password }), { local: broker.local });
  return {
    broker,
    url: broker.url,
    connection,
    async stop() {
      await connection.stop();
      await broker.stop();
    },
  };
}
