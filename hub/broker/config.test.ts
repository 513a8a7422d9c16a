import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES } from "../../protocol/index.js";
import { parseBrokerConfig } from "./config.js";

describe("broker config", () => {
  it("fills in safe defaults: local host, no anonymous clients, the protocol's payload limit", () => {
    const config = parseBrokerConfig({});
    expect(config).toMatchObject({ host: "127.0.0.1", port: 1883, allowAnonymous: false, maxPayloadBytes: MAX_PAYLOAD_BYTES, websocket: null, hub: null, devices: [] });
    expect(config.drainTimeoutMs).toBeGreaterThan(0);
  });

  it("names the device whose secret is missing or doubled", () => {
    expect(() => parseBrokerConfig({ devices: [{ username: "a", password: "x", intersectionId: "i1", region: "r" }, { username: "b", intersectionId: "i2", region: "r" }] })).toThrow(
      /^broker\.devices\[1\]: give exactly one of passwordHash or password \(or tls\.clientCa/,
    );
    expect(() => parseBrokerConfig({ hub: { username: "hub", password: "x", passwordHash: "scrypt$AAAA$AAAA" } })).toThrow(/broker\.hub: give exactly one/);
  });

  it("names a bad id, a bad hash and a bad port by their path", () => {
    expect(() => parseBrokerConfig({ devices: [{ username: "a", password: "x", intersectionId: "i/1", region: "r" }] })).toThrow(/broker\.devices\[0\]\.intersectionId: /);
    expect(() => parseBrokerConfig({ devices: [{ username: "a", passwordHash: "md5:abc", intersectionId: "i1", region: "r" }] })).toThrow(/broker\.devices\[0\]\.passwordHash: expected "scrypt/);
    expect(() => parseBrokerConfig({ port: 70_000 })).toThrow(/broker\.port: /);
  });

  it("refuses two accounts with one username", () => {
    expect(() =>
      parseBrokerConfig({
        hub: { username: "same", password: "x" },
        devices: [{ username: "same", password: "y", intersectionId: "i1", region: "r" }],
      }),
    ).toThrow(/broker\.devices\[0\]\.username: username "same" is already used by hub/);
  });

  it("leaves the password checks at once to the host unless configured, and names a bad count", () => {
    expect(parseBrokerConfig({}).maxPasswordChecks).toBeUndefined();
    expect(parseBrokerConfig({ maxPasswordChecks: 3 }).maxPasswordChecks).toBe(3);
    expect(() => parseBrokerConfig({ maxPasswordChecks: 0 })).toThrow(/broker\.maxPasswordChecks: /);
  });
});
