import type { FastifyInstance } from "fastify";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, waitUntil } from "../../tests/support/mqtt.js";
import { Hub } from "../hub.js";
import { buildApi } from "./app.js";
import { bearer, DEVICE, hubConfig, publishAs, TOKENS } from "./test-fixtures.js";

let hub: Hub;
let app: FastifyInstance;
let device: MqttClient;
/** Whole seconds, so the CSV's timestamps are easy to read. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;

beforeAll(async () => {
  const config = hubConfig();
  config.intersections![0] = {
    ...config.intersections![0]!,
    atspm: { detectors: [{ channel: 5, phase: 2, kind: "advance", approachId: "E", distanceM: 100, speedKmh: 36 }, { channel: 1, phase: 2, kind: "stop-bar", approachId: "E" }] },
  };
  hub = await Hub.start(config);
  app = await buildApi(hub);
  await app.ready();
  device = await connectClient(hub.brokerUrl, { username: DEVICE.username, password: DEVICE.password, clientId: "edge-x1-perf" });
});

afterAll(async () => {
  await device?.endAsync();
  await app?.close();
  await hub?.stop();
});

const get = (url: string) => app.inject({ method: "GET", url, headers: bearer(TOKENS.viewer) });

/** Phase 2 served every 60 s (green 20–50 s, yellow to 54 s); advance arrivals (10 s after the on-event) on red, green and green. */
async function publishCycles(): Promise<void> {
  const at = (s: number, code: number, param: number) => ({ type: "hires" as const, ts: T0 + s * 1000, code, param });
  const greens = [0, 1, 2, 3].flatMap((k) => [at(60 * k + 20, 1, 2), at(60 * k + 50, 4, 2), at(60 * k + 50, 8, 2), at(60 * k + 54, 9, 2), at(60 * k + 54, 10, 2), at(60 * k + 56, 11, 2)]);
  const detectors = [at(50, 82, 5), at(51, 81, 5), at(80, 82, 5), at(81, 81, 5), at(140, 82, 5), at(141, 81, 5)];
  const events = [...greens, ...detectors].sort((a, b) => a.ts - b.ts);
  await publishAs(device, "events", { ts: T0 + 240_000, seq: 1, intersectionId: "x1", events });
  await waitUntil(() => hub.recorder.hiRes.range("x1", 0, Number.MAX_SAFE_INTEGER).length === events.length, "the events at the hub");
}

describe("performance measures API", () => {
  it("computes the measures for an intersection's time range from the events it received", async () => {
    await publishCycles();
    const response = await get(`/api/intersections/x1/performance?fromMs=${T0}&toMs=${T0 + 300_000}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ intersectionId: "x1", fromMs: T0, toMs: T0 + 300_000, heldFromMs: T0 + 20_000, detectorsConfigured: 2 });
    expect(body.measures.arrivalsOnGreen).toEqual([
      expect.objectContaining({ phase: 2, approachId: "E", arrivals: 3, onGreen: 2, onRed: 1 }),
    ]);
    expect(body.measures.phaseTermination[0]).toMatchObject({ phase: 2, gapOut: 4 });
  });

  it("serves one measure on its own route and defaults to the last hour of events held", async () => {
    const response = await get("/api/intersections/x1/performance/coordinationDiagram");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.measure).toBe("coordinationDiagram");
    expect(body.toMs).toBe(T0 + 236_001);
    expect(body.values[0].arrivalSecondInCycle).toEqual([6, 36, 36]);
  });

  it("exports the events in ATSPM's CSV import format", async () => {
    const response = await get(`/api/intersections/x1/events.csv?fromMs=${T0 + 20_000}&toMs=${T0 + 50_001}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = response.body.trim().split("\n");
    const iso = (s: number) => new Date(T0 + s * 1000).toISOString().replace("T", " ").replace("Z", "");
    expect(lines).toEqual(["SignalId,Timestamp,EventCode,EventParam", `x1,${iso(20)},1,2`, `x1,${iso(50)},4,2`, `x1,${iso(50)},8,2`, `x1,${iso(50)},82,5`]);
  });

  it("refuses a backwards or overlong range with 400 and an unknown intersection with 404", async () => {
    expect((await get(`/api/intersections/x1/performance?fromMs=${T0}&toMs=${T0 - 1}`)).statusCode).toBe(400);
    expect((await get(`/api/intersections/x1/performance?fromMs=0&toMs=${T0}`)).statusCode).toBe(400);
    expect((await get(`/api/intersections/x1/performance/notAMeasure`)).statusCode).toBe(400);
    expect((await get("/api/intersections/nowhere/performance")).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/api/intersections/x1/events.csv" })).statusCode).toBe(401);
  });
});
