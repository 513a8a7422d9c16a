import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { Aedes, type AedesOptions, type AuthErrorCode, type AuthenticateError, type Client, type PublishPacket } from "aedes";
import { pino, type Logger } from "pino";
import { decodeMessage, type DecodeResult } from "../../protocol/index.js";
import { WebSocketServer, createWebSocketStream } from "ws";
import { parseBrokerConfig, type BrokerConfig, type BrokerConfigInput } from "./config.js";
import { createAuthenticator } from "./accounts.js";
import { publishDenial, subscribeDenial, type Identity } from "./acl.js";
import { ClientIdOwners } from "./client-id-owners.js";
import { LoginBackoff } from "./login-backoff.js";
import { LoginQueue } from "./login-queue.js";
import { passwordCheckConcurrency, thisHost } from "./password-check-concurrency.js";
import { MqttFrameScanner } from "./packet-size-guard.js";
import { PublishRate } from "./publish-rate.js";
import type { Duplex } from "node:stream";
import type { HeapFigures } from "../heap-figures.js";

/** Why the broker refused a connection, a login or a message, as counted on /metrics. */
export const REFUSAL_REASONS = [
  "connection_cap",
  "login_backoff",
  "client_id_taken",
  "packet_too_large_before_login",
  "packet_too_large",
  "malformed_packet_length",
  "rate_limited",
  "bad_client_certificate",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Bytes allowed after login on top of `maxPayloadBytes`, for the topic and the headers. */
const PACKET_OVERHEAD_BYTES = 4096;

export interface BrokerStats {
  clientsConnected: number;
  authFailures: number;
  /** Publishes dropped by the ACL or the size limit (wills included). */
  deniedPublishes: number;
  /** Of those, the ones over `maxPayloadBytes`. */
  oversizedPublishes: number;
  /** Of those, last wills that were not delivered. */
  deniedWills: number;
  deniedSubscribes: number;
  /** Connections, logins and messages refused by the broker's hardening, by reason. */
  refusals: Record<RefusalReason, number>;
}

/**
 * A message as the broker's in-process subscribers see it. A handler that returns a promise holds
 * the message's completion (a device's QoS 1 acknowledgement, a local publish's resolution)
 * until it settles; otherwise the message completes when the handler returns.
 */
export type LocalHandler = (topic: string, payload: Buffer, retained: boolean) => unknown;
/** A message decoded and validated by the protocol's `decodeMessage` (a reject carries its reason). */
export type DecodedHandler = (topic: string, message: DecodeResult) => unknown;

/**
 * The broker's in-process side, for the hub in the same process: no socket, no MQTT encoding and
 * no acknowledgement round trip. Like any MQTT subscriber, a local one sees each publisher's
 * messages in order. Trusted: the ACL does not apply.
 */
export interface LocalBrokerClient {
  /** Deliver every message matching `filter` (MQTT wildcards), retained ones first; resolves when active. */
  subscribe(filter: string, handler: LocalHandler): Promise<() => void>;
  /** Publish at QoS 1; resolves once subscribers have it (and the retained store, with `retain`). */
  publish(topic: string, payload: string | Buffer, options: { retain: boolean }): Promise<void>;
  /**
   * As `subscribe`, each message decoded with the protocol's `decodeMessage`: where the broker
   * runs in its own thread (`startBrokerThread`) the decoding and validation happen there.
   */
  subscribeDecoded(filter: string, handler: DecodedHandler): Promise<() => void>;
  /** False once the broker is stopped or gone (its thread died). */
  readonly running: boolean;
}

export interface RunningBroker {
  /** The TCP listener's host and port (the real one when config asked for port 0). */
  host: string;
  port: number;
  /** `mqtt://host:port`. */
  url: string;
  /** The websocket listener's port and `ws://host:port`, or null when websocket is off. */
  wsPort: number | null;
  wsUrl: string | null;
  config: BrokerConfig;
  local: LocalBrokerClient;
  /** In process: now. In its own thread: a snapshot the thread sends when it changes (at most 25 ms old). */
  stats(): BrokerStats;
  /** The broker thread's heap (at most 250 ms old); null when the broker runs on the hub's own thread, whose heap it shares. */
  heap(): HeapFigures | null;
  /** Settles with the reason if the broker dies while it should be running (its thread crashed); never otherwise. */
  readonly failed: Promise<Error>;
  /** Close listeners, disconnect every client and shut aedes down. Safe to call twice. */
  stop(): Promise<void>;
}

export interface BrokerOptions {
  logger?: Logger;
  now?: () => number;
}

/** What the broker knows of a connection before aedes does: where it comes from, whether it logged in. */
interface Connection {
  address: string;
  loggedIn: boolean;
  /** The subject CN of a client certificate the client CA signed, or null. */
  certificate: string | null;
}

/**
 * A TLS connection's verified client certificate CN (null when none was shown), or false for a
 * certificate the client CA did not sign (the connection must be refused).
 */
function clientCertificateOf(socket: TLSSocket): string | null | false {
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return null;
  if (!socket.authorized) return false;
  const cn = peer.subject?.CN;
  return typeof cn === "string" && cn.length > 0 ? cn : false;
}

/** True for 1, 2, 4, 8, …: log a repeated problem on those counts only, so a flood cannot flood the log. */
function worthLogging(count: number): boolean {
  return (count & (count - 1)) === 0;
}

/**
 * Start the hub's embedded MQTT 3.1.1 broker (aedes) on TCP and, if configured, websocket, with
 * per-device logins and the topic ACL from `config` (validated here; errors name the field).
 */
export async function startBroker(input: BrokerConfigInput, options: BrokerOptions = {}): Promise<RunningBroker> {
  const config = parseBrokerConfig(input);
  const log = options.logger ?? pino({ level: "silent" });
  const accounts = createAuthenticator(config);
  const now = options.now ?? Date.now;
  const identities = new WeakMap<Client, Identity>();
  const connections = new WeakMap<object, Connection>();
  const owners = new ClientIdOwners();
  const backoff = new LoginBackoff(config.loginBackoff);
  const logins = new LoginQueue(backoff, { maxConcurrent: passwordCheckConcurrency(thisHost(), config.maxPasswordChecks), maxWaiting: config.maxConnections }, now);
  const rate = config.publishRate ? new PublishRate(config.publishRate) : null;
  const maxPacketBytes = config.maxPayloadBytes + PACKET_OVERHEAD_BYTES;
  const counts = { authFailures: 0, deniedPublishes: 0, oversizedPublishes: 0, deniedWills: 0, deniedSubscribes: 0 };
  const refusals = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  function refused(reason: RefusalReason, details: Record<string, unknown>): void {
    const count = ++refusals[reason];
    if (worthLogging(count)) log.warn({ ...details, reason, count }, "broker refused");
  }
  function refuseLogin(reason: string, returnCode: AuthErrorCode, done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    done(Object.assign(new Error(reason), { returnCode }) as AuthenticateError, null);
  }

  // aedes can only refuse a PUBLISH by closing the connection. Like Mosquitto we acknowledge and
  // drop instead (MQTT-3.3.5-2 allows either): a denied packet is re-addressed to this topic, which
  // no one may subscribe to and which authorizeForward never delivers.
  let sinkTopic = "$SYS/denied";

  function denyPublish(client: Client | null, packet: PublishPacket, reason: string, callback: (error?: Error | null) => void): void {
    counts.deniedPublishes++;
    const isWill = client === null || client.closed;
    if (isWill) counts.deniedWills++;
    if (worthLogging(counts.deniedPublishes)) {
      log.warn({ clientId: client?.id, topic: packet.topic, reason, deniedPublishes: counts.deniedPublishes }, isWill ? "last will dropped" : "publish dropped");
    }
    // A will is published by aedes itself after the client has gone: refusing it just skips it.
    if (isWill) return callback(new Error(reason));
    packet.topic = sinkTopic;
    packet.payload = Buffer.alloc(0);
    packet.retain = false;
    callback(null);
  }

  const hooks: AedesOptions = {
    drainTimeout: config.drainTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    authenticate(client, username, password, done) {
      const connection = connections.get(client.conn);
      const address = connection?.address ?? "unknown";
      // Certificate logins cost no hash; password checks wait their turn, clean addresses first.
      const check = connection?.certificate
        ? Promise.resolve(accounts.byCertificate(connection.certificate, username))
        : logins.run(address, () => accounts.login(username, password));
      check.then(
        (result) => {
          if (result === "refused") {
            // Refused before any password hashing: a flood from one address costs next to nothing.
            const waitMs = backoff.waitMs(address, now());
            refused("login_backoff", { address, username, waitMs });
            return refuseLogin(`too many failed logins from ${address}: retry in ${Math.max(1, Math.ceil(waitMs / 1000))} s`, 3, done);
          }
          if (result.ok) {
            if (!connection?.certificate) backoff.succeeded(address);
            // The account the login proved (a certificate login may give no username at all).
            const account = result.identity.username ?? "";
            if (!owners.claim(client.id, account)) {
              refused("client_id_taken", { clientId: client.id, username, owner: owners.ownerOf(client.id) });
              return refuseLogin(`client id ${JSON.stringify(client.id)} belongs to another account`, 2, done);
            }
            identities.set(client, result.identity);
            if (connection) connection.loggedIn = true;
            return done(null, true);
          }
          if (!connection?.certificate) backoff.failed(address, now());
          counts.authFailures++;
          if (worthLogging(counts.authFailures)) {
            log.warn({ clientId: client.id, username, reason: result.reason, authFailures: counts.authFailures }, "login refused");
          }
          const error = Object.assign(new Error(result.reason), { returnCode: result.returnCode as AuthErrorCode }) as AuthenticateError;
          done(error, null);
        },
        (err: unknown) => {
          counts.authFailures++;
          if (!connection?.certificate) backoff.failed(address, now());
          log.error({ err, clientId: client.id }, "login check failed");
          const error = Object.assign(new Error("login check failed"), { returnCode: 3 as AuthErrorCode }) as AuthenticateError;
          done(error, null);
        },
      );
    },
    authorizePublish(client, packet, callback) {
      // A will left by a client of another broker sharing persistence: we cannot tell whose it is.
      const identity = client ? identities.get(client) : undefined;
      if (!identity) return denyPublish(client, packet, "publisher has no identity", callback);
      const denial = publishDenial(identity, packet.topic);
      if (denial !== null) return denyPublish(client, packet, denial, callback);
      if (rate && identity.kind === "device" && client && !client.closed && !rate.take(identity.username, now())) {
        refused("rate_limited", { clientId: client.id, username: identity.username });
        return denyPublish(client, packet, `device ${identity.username} is over ${config.publishRate!.perSecond} messages/s`, callback);
      }
      const size = typeof packet.payload === "string" ? Buffer.byteLength(packet.payload) : packet.payload.byteLength;
      if (size > config.maxPayloadBytes) {
        counts.oversizedPublishes++;
        return denyPublish(client, packet, `payload is ${size} bytes, limit ${config.maxPayloadBytes}`, callback);
      }
      callback(null);
    },
    authorizeSubscribe(client, subscription, callback) {
      const identity = identities.get(client);
      const denial = identity ? subscribeDenial(identity, subscription.topic) : "subscriber has no identity";
      if (denial === null) return callback(null, subscription);
      counts.deniedSubscribes++;
      if (worthLogging(counts.deniedSubscribes)) {
        log.warn({ clientId: client.id, topic: subscription.topic, reason: denial, deniedSubscribes: counts.deniedSubscribes }, "subscription refused");
      }
      // null, not an error: the client gets SUBACK failure (0x80) and stays connected.
      callback(null, null);
    },
    authorizeForward(_client, packet) {
      return packet.topic === sinkTopic ? null : packet;
    },
  };

  const aedes = await Aedes.createBroker({
    ...hooks,
    // No cap on messages in flight inside aedes (mqemitter's default is 100). Past the cap it
    // queues them and drains the queue recursively, which overflows the stack once thousands
    // wait (thousands of devices disconnecting at once did: mcollina/mqemitter#204). Per-client
    // inbound limits and drainTimeout still bound what one client can hold up.
    concurrency: 0,
  });
  sinkTopic = `$SYS/${aedes.id}/denied`;
  aedes.on("clientError", (client, err) => log.debug({ clientId: client.id, err: err.message }, "client error"));
  aedes.on("connectionError", (_client, err) => log.debug({ err: err.message }, "connection error"));

  let open = 0;
  /**
   * Hand a connection to aedes behind the connection cap and a packet-size guard that reads each
   * packet's declared length as the bytes arrive: a small limit before login, the payload limit
   * plus headers after. An oversized packet closes the connection before it is buffered.
   */
  function handle(stream: Duplex, address: string, tlsSocket: TLSSocket | null, req?: unknown): void {
    if (open >= config.maxConnections) {
      refused("connection_cap", { address, open });
      stream.destroy();
      return;
    }
    const certificate = tlsSocket ? clientCertificateOf(tlsSocket) : null;
    if (certificate === false) {
      refused("bad_client_certificate", { address, error: tlsSocket?.authorizationError });
      stream.destroy();
      return;
    }
    open++;
    stream.once("close", () => open--);
    const connection: Connection = { address, loggedIn: false, certificate };
    connections.set(stream, connection);
    const scanner = new MqttFrameScanner();
    const limit = (): number => (connection.loggedIn ? maxPacketBytes : config.preLoginMaxPacketBytes);
    aedes.handle(stream, req as never);
    // Added after aedes' 'readable' listener, so 'data' fires as aedes reads and never starts flowing mode.
    stream.on("data", (chunk: Buffer) => {
      const over = scanner.scan(chunk, limit);
      if (over === null) return;
      if (over < 0) refused("malformed_packet_length", { address });
      else refused(connection.loggedIn ? "packet_too_large" : "packet_too_large_before_login", { address, declaredBytes: over, limitBytes: limit() });
      stream.destroy();
    });
  }
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    // Small MQTT packets must go out at once, not wait for the peer's delayed ACK (Nagle).
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined); // a socket destroyed before aedes took it
    handle(socket, socket.remoteAddress ?? "unknown", config.tls ? (socket as TLSSocket) : null);
  };
  // With a client CA, a client certificate is asked for but not required (devices may still use
  // passwords); one that the CA did not sign is refused in `handle`.
  const tlsOptions = config.tls
    ? { cert: config.tls.cert, key: config.tls.key, ...(config.tls.clientCa ? { ca: config.tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}) }
    : null;
  const tcp: Server = tlsOptions ? createTlsServer(tlsOptions, onSocket) : createServer(onSocket);
  if (tlsOptions) tcp.on("tlsClientError", (err) => log.debug({ err: err.message }, "TLS handshake failed"));
  let wss: WebSocketServer | null = null;
  let https: HttpsServer | null = null;

  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(config.port, config.host, () => {
        tcp.off("error", reject);
        resolve();
      });
    });
    if (config.websocket) {
      const wsHost = config.websocket.host ?? config.host;
      let server: WebSocketServer;
      if (tlsOptions) {
        const httpsServer = createHttpsServer(tlsOptions);
        https = httpsServer;
        server = new WebSocketServer({ server: httpsServer, maxPayload: maxPacketBytes });
        wss = server;
        await new Promise<void>((resolve, reject) => {
          httpsServer.once("error", reject);
          httpsServer.listen(config.websocket!.port, wsHost, () => {
            httpsServer.off("error", reject);
            resolve();
          });
        });
      } else {
        server = new WebSocketServer({ host: wsHost, port: config.websocket.port, maxPayload: maxPacketBytes });
        wss = server;
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.once("listening", () => {
            server.off("error", reject);
            resolve();
          });
        });
      }
      server.on("connection", (ws, req) => {
        const stream = createWebSocketStream(ws);
        stream.on("error", (err) => log.debug({ err: err.message }, "websocket stream error"));
        handle(stream, req.socket.remoteAddress ?? "unknown", tlsOptions ? (req.socket as TLSSocket) : null, req);
      });
      server.on("error", (err) => log.error({ err }, "websocket server error"));
    }
  } catch (err) {
    await closeAll(aedes, tcp, sockets, wss, https);
    throw err;
  }

  const port = (tcp.address() as AddressInfo).port;
  const wsAddress = https ? ((https as HttpsServer).address() as AddressInfo) : wss ? (wss.address() as AddressInfo) : null;
  const scheme = tlsOptions ? { mqtt: "mqtts", ws: "wss" } : { mqtt: "mqtt", ws: "ws" };
  const wsPort = wsAddress ? wsAddress.port : null;
  log.info({ host: config.host, port, wsPort, devices: config.devices.length, allowAnonymous: config.allowAnonymous }, "MQTT broker listening");

  let stopping: Promise<void> | null = null;
  const local = localClient(aedes, () => stopping === null);
  return {
    host: config.host,
    port,
    url: `${scheme.mqtt}://${config.host}:${port}`,
    wsPort,
    wsUrl: wsAddress ? `${scheme.ws}://${wsAddress.address}:${wsAddress.port}` : null,
    config,
    local,
    // An in-process broker dies only with the process.
    failed: new Promise<Error>(() => undefined),
    stats: () => ({ clientsConnected: aedes.connectedClients, ...counts, refusals: { ...refusals } }),
    heap: () => null,
    stop() {
      stopping ??= closeAll(aedes, tcp, sockets, wss, https);
      return stopping;
    },
  };
}

/** The part of aedes' persistence (untyped in its declarations) that replays retained messages. */
interface RetainedStore {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<{ topic: string; payload: string | Buffer }>;
}

const asBuffer = (payload: string | Buffer): Buffer => (typeof payload === "string" ? Buffer.from(payload) : payload);

function localClient(aedes: Aedes, running: () => boolean): LocalBrokerClient {
  const retained = (aedes as unknown as { persistence: RetainedStore }).persistence;
  const client: LocalBrokerClient = {
    get running() {
      return running();
    },
    subscribeDecoded: (filter, handler) => client.subscribe(filter, (topic, payload) => handler(topic, decodeMessage(topic, payload))),
    async subscribe(filter, handler) {
      const deliver = (packet: { topic: string; payload: string | Buffer; retain?: boolean }, done: () => void): void => {
        let held: unknown = undefined;
        try {
          held = handler(packet.topic, asBuffer(packet.payload), packet.retain === true);
        } finally {
          if (!(held instanceof Promise)) done();
        }
        if (held instanceof Promise) held.then(done, done);
      };
      await new Promise<void>((resolve) => aedes.subscribe(filter, deliver, resolve));
      // What was retained before we subscribed, as a (re)subscribing MQTT client would get it.
      for await (const packet of retained.createRetainedStreamCombi([filter])) {
        void handler(packet.topic, asBuffer(packet.payload), true);
      }
      return () => aedes.unsubscribe(filter, deliver, () => undefined);
    },
    publish(topic, payload, { retain }) {
      return new Promise<void>((resolve, reject) =>
        aedes.publish({ cmd: "publish", topic, payload: asBuffer(payload), qos: 1, retain, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    },
  };
  return client;
}

async function closeAll(aedes: Aedes, tcp: Server, sockets: Set<Socket>, wss: WebSocketServer | null, https: HttpsServer | null): Promise<void> {
  const tcpClosed = tcp.listening ? new Promise<void>((resolve) => tcp.close(() => resolve())) : Promise.resolve();
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  if (wss) {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
  if (https) {
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
  }
  await tcpClosed;
}
