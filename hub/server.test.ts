import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHubConfig } from "./config.js";
import { startHubServer } from "./server.js";

const root = resolve(import.meta.dirname, "..");

/** The example configuration on free ports, quiet unless asked. */
async function exampleOnFreePorts(level = "silent") {
  const config = await loadHubConfig(join(root, "examples/hub.yaml"));
  if (config.broker.type !== "embedded") throw new Error("the example uses the embedded broker");
  return { ...config, broker: { ...config.broker, port: 0 }, api: { ...config.api, port: 0 }, log: { level } } as typeof config;
}

describe("hub server", () => {
  it("starts the example configuration's hub and API on free ports and stops cleanly", async () => {
    const server = await startHubServer(await exampleOnFreePorts());
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/api/health`);
      expect(await health.json()).toMatchObject({ status: "ok" });
      const list = await fetch(`${server.url}/api/intersections`, { headers: { authorization: "Bearer viewer-token-change-me" } });
      expect(((await list.json()) as { intersectionId: string }[]).map((x) => x.intersectionId)).toEqual(["main-1st", "main-2nd"]);
      const admin = await fetch(`${server.url}/api/me`, { headers: { authorization: "Bearer admin-token-change-me" } });
      expect(await admin.json()).toEqual({ name: "traffic-engineer", role: "admin" });
    } finally {
      await server.stop();
      await server.stop();
    }
  });

});
