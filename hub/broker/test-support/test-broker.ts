// Shared by broker.test.ts and hardening.test.ts: the hub's account and two devices, on a broker
// on free ports.
import type { BrokerConfigInput } from "../config.js";
import { hashPassword } from "../password.js";
import { startBroker, type RunningBroker } from "../server.js";

export const HUB = { username: "hub", password: "hub-secret" };
/** Device of i-a, stored as a password hash. */
export const A = { username: "cam-a", password: "a-secret" };
/** Device of i-b, stored as a plain password. */
export const B = { username: "cam-b", password: "b-secret" };

/** A broker (TCP and WebSocket on free ports, 4 KiB payloads) with HUB, A and B, plus `extra` settings. */
export async function startTestBroker(extra: Partial<BrokerConfigInput> = {}): Promise<RunningBroker> {
  return startBroker({
    port: 0,
    websocket: { port: 0 },
    hub: HUB,
    devices: [
      { username: A.username, passwordHash: await hashPassword(A.password), intersectionId: "i-a", region: "north" },
      { username: B.username, password: B.password, intersectionId: "i-b", region: "north" },
    ],
    maxPayloadBytes: 4096,
    ...extra,
  });
}
