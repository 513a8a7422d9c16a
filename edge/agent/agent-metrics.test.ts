import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../../tests/support/poll.js";
import { mosquittoBinary, startMosquitto, type ManagedServer } from "../../tests/support/servers.js";
import type { Agent } from "./agent.js";
import { startRoadAgent, type RoadAgent } from "./test-support/agent-rig.js";

/** `name{labels} value` lines of a Prometheus text body, keyed by name with labels. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe.skipIf(mosquittoBinary.skip)(`the agent's /metrics and /health ${mosquittoBinary.reason}`, () => {
  let mosquitto: ManagedServer;
  let rig: RoadAgent;
  let agent: Agent;

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    rig = await startRoadAgent({ tmpPrefix: "agent-metrics-", intersectionId: "met-1", region: "r1", brokerUrl: mosquitto.url, overrides: { metrics: { port: 0 } } });
    agent = rig.agent;
  });

  afterAll(async () => {
    await rig?.dispose();
    await mosquitto?.dispose();
  });

  it("serves Prometheus text on 127.0.0.1: frames, inference time, counts, queue, outbox, link and controller mode", async () => {
    expect(agent.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const m = await until("frames counted and the link up", async () => {
      const res = await fetch(`${agent.metricsUrl}/metrics`);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const s = samples(await res.text());
      const counted = s.get('traffic_edge_vehicles_counted_total{approach="N"}') ?? 0;
      return (s.get("traffic_edge_frames_processed_total") ?? 0) >= 5 && counted >= 1 && s.get("traffic_edge_link_up") === 1 ? s : undefined;
    });
    expect(m.get("traffic_edge_camera_up")).toBe(1);
    expect(m.get("traffic_edge_camera_frames_total")).toBeGreaterThanOrEqual(m.get("traffic_edge_frames_processed_total")!);
    expect(m.get("traffic_edge_inference_seconds_count")).toBeGreaterThanOrEqual(5);
    expect(m.get("traffic_edge_inference_seconds_sum")).toBeGreaterThan(0);
    expect(m.get('traffic_edge_inference_seconds_bucket{le="+Inf"}')).toBe(m.get("traffic_edge_inference_seconds_count"));
    // The road frames put a vehicle over the N loop in 4 of every 12 frames.
    expect(m.get('traffic_edge_vehicles_counted_total{approach="N"}')).toBeGreaterThanOrEqual(1);
    expect(m.has('traffic_edge_queue_vehicles{approach="N"}')).toBe(true);
    expect(m.get("traffic_edge_outbox_messages")).toBeGreaterThanOrEqual(0);
    const modes = ["adaptive", "fallback", "manual", "flash"].map((mode) => m.get(`traffic_edge_controller_mode{mode="${mode}"}`));
    expect(modes.filter((v) => v === 1)).toHaveLength(1);
    expect(modes[["adaptive", "fallback", "manual", "flash"].indexOf(agent.controller.state().mode)]).toBe(1);
  });

  it("answers /health 200 while all is well and 503, saying why, when the broker is gone", async () => {
    const healthy = await until("a healthy agent", async () => {
      const res = await fetch(`${agent.metricsUrl}/health`);
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(healthy).toMatchObject({ ok: true, intersectionId: "met-1", camera: { ok: true }, link: { connected: true } });
    await mosquitto.stop();
    const degraded = await until("a 503", async () => {
      const res = await fetch(`${agent.metricsUrl}/health`);
      return res.status === 503 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(degraded).toMatchObject({ ok: false, link: { connected: false } });
    expect((await fetch(`${agent.metricsUrl}/nothing`)).status).toBe(404);
    await mosquitto.start();
  });
});
