// Shared by broker.test.ts and hardening.test.ts: the hub's account and two devices, on a broker
// on free ports.
import type { MqttClient } from "mqtt";
import { expect } from "vitest";
import { record, waitUntil } from "../../../tests/support/mqtt.js";
import type { BrokerConfigInput } from "../config.js";
import { hashPassword } from "../password.js";
import { startBroker, type LocalBrokerClient, type RunningBroker } from "../server.js";

export const HUB = { username: "hub", password: "hub-secret" };
/** Device of i-a, stored as a password hash. */
export const A = { username: "cam-a", password: "a-secret" };
/** Device of i-b, stored as a plain password. */
export const B = { username: "cam-b", password: "b-secret" };

/** The test broker's settings (TCP and WebSocket on free ports, 4 KiB payloads) with HUB, A and B, plus `extra`. */
export async function testBrokerConfig(extra: Partial<BrokerConfigInput> = {}): Promise<BrokerConfigInput> {
  return {
    port: 0,
    websocket: { port: 0 },
    hub: HUB,
    devices: [
      { username: A.username, passwordHash: await hashPassword(A.password), intersectionId: "i-a", region: "north" },
      { username: B.username, password: B.password, intersectionId: "i-b", region: "north" },
    ],
    maxPayloadBytes: 4096,
    ...extra,
  };
}

/** A broker in process with `testBrokerConfig`'s settings. */
export async function startTestBroker(extra: Partial<BrokerConfigInput> = {}): Promise<RunningBroker> {
  return startBroker(await testBrokerConfig(extra));
}

/**
 * B's device (`deviceB`, connected) gets a plan the hub publishes retained, and a later local
 * subscriber has it replayed as retained before its subscribe resolves; the plan is cleared after.
 */
export async function expectRetainedPlanRoundTrip(local: LocalBrokerClient, deviceB: MqttClient): Promise<void> {
  const got = record(deviceB);
  await deviceB.subscribeAsync("traffic/v1/north/i-b/plan", { qos: 1 });
  await local.publish("traffic/v1/north/i-b/plan", "plan-1", { retain: true });
  await waitUntil(() => got.length === 1, "the plan at the device");
  expect(got[0]!.body).toBe("plan-1");
  const replayed: string[] = [];
  const stop = await local.subscribe("traffic/v1/north/+/plan", (_topic, payload, retained) => replayed.push(`${payload.toString()}:${retained}`));
  expect(replayed).toEqual(["plan-1:true"]);
  stop();
  await local.publish("traffic/v1/north/i-b/plan", "", { retain: true }); // clear it for other tests
}
