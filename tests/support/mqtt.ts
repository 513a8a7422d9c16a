import mqtt, { type IClientOptions, type MqttClient } from "mqtt";

/** Connect once (no reconnects); resolves when CONNACK accepts, rejects with its error otherwise. */
export function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  return new Promise((resolve, reject) => {
    client.once("connect", () => {
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      resolve(client);
    });
    client.once("error", (err) => {
      client.end(true);
      reject(err);
    });
    client.once("close", () => reject(new Error(`connection to ${url} closed before CONNACK`)));
  });
}

/** The CONNACK return code a refused login gets (throws if the login is accepted). */
export async function refusalCode(url: string, options: IClientOptions = {}): Promise<number> {
  try {
    const client = await connectClient(url, options);
    await client.endAsync();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "number") return code;
    throw err;
  }
  throw new Error(`login to ${url} as ${String(options.username)} was accepted`);
}

export interface Received {
  topic: string;
  body: string;
  retain: boolean;
}

/** Record every message a client receives. */
export function record(client: MqttClient): Received[] {
  const received: Received[] = [];
  client.on("message", (topic, payload, packet) => received.push({ topic, body: payload.toString("utf8"), retain: packet.retain }));
  return received;
}

/** Poll until `condition` holds; fail with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Subscribe at QoS 1 and return each filter's SUBACK code (128 = refused); mqtt.js rejects on any refusal. */
export async function subackCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    const grants = await client.subscribeAsync(filters, { qos: 1 });
    return grants.map((g) => g.qos);
  } catch (err) {
    const granted = (err as { packet?: { granted?: unknown } }).packet?.granted;
    if (Array.isArray(granted)) return granted.map((g) => (typeof g === "number" ? g : (g as { qos: number }).qos));
    throw err;
  }
}
