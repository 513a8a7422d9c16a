// Shared by this folder's tests: a hub configuration with one token per role and a device helper.
import { createHash } from "node:crypto";
import type { MqttClient } from "mqtt";
import { encodeMessage, type PayloadByKind } from "../../protocol/index.js";
import type { HubConfigInput } from "../config.js";

export const TOKENS = {
  viewer: "viewer-token-0123456789",
  operator: "operator-token-0123456789",
  admin: "admin-token-0123456789",
} as const;

export const DEVICE = { username: "dev-x1", password: "device-secret-1", intersectionId: "x1", region: "north" } as const;

/** The hub's own settings for each test intersection; its phases come from its controller (`TWO_PHASE_CONTROLLER`). */
export const TIMING = {
  planRefreshS: 30,
  planValidityS: 120,
};

/** A hub on free ports with x1 (the device's) and x2 configured, plus `extraIntersections` more. */
export function hubConfig(options: { extraIntersections?: number; wsMaxBufferedBytes?: number } = {}): HubConfigInput {
  const extra = Array.from({ length: options.extraIntersections ?? 0 }, (_, i) => ({
    intersectionId: `f${i}`,
    region: "south",
    // Long names make snapshots big, so a client that never reads fills its buffer quickly.
    name: `filler intersection ${i} `.padEnd(200, "·"),
    position: { xM: i * 10, yM: 0 },
    timing: TIMING,
  }));
  return {
    broker: { type: "embedded", port: 0, devices: [{ ...DEVICE }] },
    api: {
      port: 0,
      tokens: [
        { name: "vera", role: "viewer", token: TOKENS.viewer },
        { name: "otto", role: "operator", token: TOKENS.operator },
        { name: "ada", role: "admin", tokenSha256: createHash("sha256").update(TOKENS.admin).digest("hex") },
      ],
      ...(options.wsMaxBufferedBytes !== undefined ? { wsMaxBufferedBytes: options.wsMaxBufferedBytes } : {}),
    },
    intersections: [
      { intersectionId: "x1", region: "north", name: "Main & 1st", position: { xM: 0, yM: 0 }, timing: TIMING },
      { intersectionId: "x2", region: "north", position: { xM: 300, yM: 0 }, timing: TIMING },
      ...extra,
    ],
    planning: { clock: "measures", commandAnswerTimeoutMs: 60_000 },
    log: { level: "silent" },
  };
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

/** Publish a protocol payload as the device, at QoS 1. */
export async function publishAs<K extends "measures" | "signal" | "events" | "status">(device: MqttClient, kind: K, payload: PayloadByKind[K]): Promise<void> {
  const { topic, body } = encodeMessage(DEVICE.region, kind, payload);
  await device.publishAsync(topic, body, { qos: 1 });
}

let seq = 0;
export function signalOf(groups: Record<string, "G" | "Y" | "R">, planId: string | null = null): PayloadByKind["signal"] {
  seq++;
  return { ts: Date.now() + seq, seq, intersectionId: "x1", mode: "adaptive", planId, cycleSecond: 1, activePhases: [2], groups };
}
