import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../hub/broker/index.js";
import { makeTestPki, opensslBinary, type TestPki } from "../support/certs.js";
import { connectClient, record, waitUntil } from "../support/mqtt.js";
import { MqttLink } from "../../edge/agent/link/index.js";

const HUB = { username: "hub", password: "hub-secret" };
let pki: TestPki;
let broker: RunningBroker;
let dir: string;

const measures = { ts: 1_700_000_000_000, intervalMs: 1000, modelId: "virtual-loop", framesProcessed: 1, approaches: [{ approachId: "north", count: 1, countsByClass: { car: 1 }, queue: 0, occupancy: 0.1 }] };

describe.skipIf(opensslBinary.skip)(`edge link over mutual TLS ${opensslBinary.reason}`, () => {
  beforeAll(async () => {
    pki = makeTestPki();
    dir = await mkdtemp(join(tmpdir(), "tls-link-"));
    broker = await startBroker({
      port: 0,
      tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert },
      hub: HUB,
      devices: [{ username: "edge-i1", intersectionId: "i1", region: "r1" }],
    });
  });

  afterAll(async () => {
    await broker?.stop();
    pki?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("delivers with the CA and its client certificate, and never connects with a certificate from another CA", async () => {
    const hub = await connectClient(broker.url, { ...HUB, ca: pki.ca.cert });
    const seen = record(hub);
    await hub.subscribeAsync("traffic/v1/r1/i1/measures", { qos: 1 });
    const cert = pki.client("edge-i1");
    const link = await MqttLink.open({ url: broker.url, region: "r1", intersectionId: "i1", outboxDir: join(dir, "good"), tls: { caFile: pki.ca.certFile, certFile: cert.certFile, keyFile: cert.keyFile } });
    await link.publishMeasures(measures);
    await waitUntil(() => seen.length === 1, "measures over mutual TLS");
    await link.close();

    const rogue = pki.client("edge-i1", pki.newCa("rogue"));
    const before = broker.stats().refusals.bad_client_certificate;
    const bad = await MqttLink.open({ url: broker.url, region: "r1", intersectionId: "i1", outboxDir: join(dir, "bad"), tls: { caFile: pki.ca.certFile, certFile: rogue.certFile, keyFile: rogue.keyFile } });
    await bad.publishMeasures(measures);
    await waitUntil(() => broker.stats().refusals.bad_client_certificate > before, "the rogue certificate refused");
    expect(bad.stats().connected).toBe(false);
    await bad.close();
    expect(seen).toHaveLength(1);
    await hub.endAsync();
  });

  it("names the option of a TLS file it cannot read", async () => {
    await expect(MqttLink.open({ url: broker.url, region: "r1", intersectionId: "i1", outboxDir: join(dir, "missing"), tls: { caFile: "/nonexistent/ca.pem" } })).rejects.toThrow(
      /link\.tls\.caFile: cannot read \/nonexistent\/ca\.pem: ENOENT/,
    );
  });
});
