import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestPki, opensslBinary, type TestPki } from "../tests/support/certs.js";
import { connectClient } from "../tests/support/mqtt.js";
import { startHubServer, type RunningHubServer } from "./server.js";

let pki: TestPki;
let server: RunningHubServer;

function getJson(url: string, ca: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on("error", reject)
      .end();
  });
}

describe.skipIf(opensslBinary.skip)(`hub with TLS from its configuration ${opensslBinary.reason}`, () => {
  beforeAll(async () => {
    pki = makeTestPki();
    server = await startHubServer({
      broker: {
        type: "embedded",
        port: 0,
        tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, clientCaFile: pki.ca.certFile },
        devices: [{ username: "edge-x1", intersectionId: "x1", region: "north" }],
      },
      api: { port: 0, tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile } },
      log: { level: "silent" },
    });
  });

  afterAll(async () => {
    await server?.stop();
    pki?.dispose();
  });

  it("serves the API over HTTPS and the broker over mqtts, where a device logs in with its certificate", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await getJson(`${server.url}/api/health`, pki.ca.cert)).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(server.hub.brokerUrl).toMatch(/^mqtts:/);
    const cert = pki.client("edge-x1");
    const device = await connectClient(server.hub.brokerUrl, { ca: pki.ca.cert, cert: cert.cert, key: cert.key });
    expect(device.connected).toBe(true);
    await device.endAsync();
  });

  it("names the configuration field of a TLS file it cannot read", async () => {
    await expect(startHubServer({ broker: { type: "embedded", port: 0 }, api: { port: 0, tls: { certFile: "/nonexistent/c.pem", keyFile: "/nonexistent/k.pem" } }, log: { level: "silent" } })).rejects.toThrow(
      /hub\.api\.tls\.certFile: cannot read \/nonexistent\/c\.pem: ENOENT/,
    );
  });
});
