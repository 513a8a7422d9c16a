import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeTestPki, opensslBinary, type TestPki } from "../../tests/support/certs.js";
import { connectClient, record, refusalCode, subackCodes, waitUntil } from "../../tests/support/mqtt.js";
import { startBroker, type RunningBroker } from "./server.js";

const HUB = { username: "hub", password: "hub-secret" };
const A = { username: "cam-a", password: "a-secret" };

let pki: TestPki;
let broker: RunningBroker;
const clients: MqttClient[] = [];

async function connect(url: string, options: Parameters<typeof connectClient>[1]): Promise<MqttClient> {
  const client = await connectClient(url, options);
  clients.push(client);
  return client;
}

/** Why a connection failed: CONNACK code, or the error's message (a TLS refusal closes the socket). */
async function failure(url: string, options: Parameters<typeof connectClient>[1]): Promise<string> {
  try {
    const client = await connectClient(url, options);
    clients.push(client);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "number" ? `connack ${code}` : (err as Error).message;
  }
  return "accepted";
}

describe.skipIf(opensslBinary.skip)(`broker over TLS with client certificates ${opensslBinary.reason}`, () => {
  beforeAll(async () => {
    pki = makeTestPki();
    broker = await startBroker({
      port: 0,
      websocket: { port: 0 },
      tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert },
      hub: HUB,
      devices: [
        { username: A.username, password: A.password, intersectionId: "i-a", region: "north" },
        // No password: this device can log in only with its certificate.
        { username: "cam-b", intersectionId: "i-b", region: "north" },
      ],
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });

  afterAll(async () => {
    await broker?.stop();
    pki?.dispose();
  });

  it("listens with mqtts:// and wss://, and a client that trusts the CA logs in with its password", async () => {
    expect(broker.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const device = await connect(broker.url, { ...A, ca: pki.ca.cert });
    expect(device.connected).toBe(true);
    const overWs = await connect(broker.wsUrl!, { ...A, clientId: "a-ws", ca: pki.ca.cert });
    expect(overWs.connected).toBe(true);
  });

  it("is refused by a client that does not trust the server's CA", async () => {
    const other = pki.newCa("untrusted-by-client");
    expect(await failure(broker.url, { ...A, ca: other.cert })).toMatch(/certificate|self.signed|unable/i);
  });

  it("logs a device in by its client certificate alone, and keeps it to its own topics", async () => {
    const cert = pki.client("cam-b");
    const device = await connect(broker.url, { ca: pki.ca.cert, cert: cert.cert, key: cert.key, clientId: "edge-i-b" });
    const hub = await connect(broker.url, { ...HUB, ca: pki.ca.cert });
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/#", { qos: 1 });
    const before = broker.stats().deniedPublishes;
    await device.publishAsync("traffic/v1/north/i-a/measures", "forged", { qos: 1 });
    await device.publishAsync("traffic/v1/north/i-b/measures", "own", { qos: 1 });
    await waitUntil(() => seen.length > 0, "b's own measures");
    expect(seen.map((m) => m.body)).toEqual(["own"]);
    expect(broker.stats().deniedPublishes).toBe(before + 1);
    expect(await subackCodes(device, ["traffic/v1/north/i-a/plan", "traffic/v1/north/i-b/plan"])).toEqual([128, 1]);
  });

  it("refuses a device whose certificate another CA signed, even with the right username, and counts it", async () => {
    const rogueCa = pki.newCa("rogue-ca");
    const rogue = pki.client("cam-b", rogueCa);
    const before = broker.stats().refusals.bad_client_certificate;
    expect(await failure(broker.url, { ca: pki.ca.cert, cert: rogue.cert, key: rogue.key, username: "cam-b" })).not.toMatch(/^accepted|^connack/);
    expect(await failure(broker.wsUrl!, { ca: pki.ca.cert, cert: rogue.cert, key: rogue.key, username: "cam-b" })).not.toMatch(/^accepted|^connack/);
    expect(broker.stats().refusals.bad_client_certificate).toBe(before + 2);
  });

  it("binds a certificate login's client id to the certificate's account", async () => {
    const b = pki.client("cam-b");
    await connect(broker.url, { ca: pki.ca.cert, cert: b.cert, key: b.key, clientId: "edge-cert-b" });
    // Another device's certificate, no username either: still another account.
    const a = pki.client("cam-a");
    expect(await refusalCode(broker.url, { ca: pki.ca.cert, cert: a.cert, key: a.key, clientId: "edge-cert-b" })).toBe(2);
  });

  it("refuses a good certificate used with another account's username, and a password-less account without one", async () => {
    const cert = pki.client("cam-b");
    expect(await refusalCode(broker.url, { ca: pki.ca.cert, cert: cert.cert, key: cert.key, username: A.username, password: A.password })).toBe(5);
    expect(await refusalCode(broker.url, { ca: pki.ca.cert, username: "cam-b", password: "guess" })).toBe(4);
  });
});
