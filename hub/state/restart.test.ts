import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, waitUntil } from "../../tests/support/mqtt.js";
import { DEVICE, hubConfig, publishAs } from "../api/test-fixtures.js";
import { publishControllerConfigs } from "../test-support/controller-config.js";
import { Hub, type Actor } from "../hub.js";
import { STATE_FILE } from "./index.js";

const OTTO: Actor = { name: "otto", role: "operator" };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hub-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A hub on the same data folder whose controllers have published their configuration. */
const start = async (): Promise<Hub> => {
  const hub = await Hub.start({ ...hubConfig(), dataDir: dir });
  await publishControllerConfigs(hub, "north", ["x1", "x2"]);
  return hub;
};

async function device(hub: Hub): Promise<MqttClient> {
  return connectClient(hub.brokerUrl, { username: DEVICE.username, password: DEVICE.password, clientId: "edge-x1" });
}

describe("hub state across a restart", () => {
  it("keeps operator overrides, unacknowledged alarms, tracked commands and the audit log", async () => {
    const first = await start();
    const edge = await device(first);
    const alarm = (seq: number, planId: string) => publishAs(edge, "events", { ts: Date.now(), seq, intersectionId: "x1", events: [{ type: "alarm", ts: Date.now(), alarm: "plan-rejected", message: "min green", planId }] });
    await alarm(1, "p1");
    await alarm(2, "p2");
    await waitUntil(() => first.alarms.list().some((a) => a.count === 2), "two rejections folded into one alarm");
    const folded = first.alarms.list()[0]!;
    const override = await first.overridePlan("x1", { planId: "manual", cycleS: 90, offsetS: 0, splitsS: { "2": 55, "4": 35 }, validUntil: Date.now() + 600_000, reason: "event", policy: "manual" }, OTTO);
    expect(override.ok).toBe(true);
    const command = await first.sendCommand("x2", { action: "flash" }, OTTO);
    // An alarm acknowledged and cleared is done with: it need not come back.
    first.alarms.occurrence("command-unanswered", "x2", "done with", Date.now());
    const done = first.alarms.list({ intersectionId: "x2" })[0]!;
    first.acknowledgeAlarm(done.id, OTTO);
    const auditBefore = first.audit.list(100);
    expect(auditBefore.map((e) => e.action)).toEqual(["alarm.acknowledge", "command.flash", "plan.override"]);
    await edge.endAsync();
    await first.stop();

    const second = await start();
    try {
      expect(second.planner.overrideOf("x1")).toMatchObject({ planId: "manual", cycleS: 90 });
      expect(second.alarms.list()).toEqual([expect.objectContaining({ id: folded.id, type: "plan-rejected", intersectionId: "x1", count: 2 })]);
      expect(second.commands.get(command.commandId)).toMatchObject({ intersectionId: "x2", state: "sent" });
      expect(second.audit.list(100)).toEqual(auditBefore);
      // Restored alarms can still be acknowledged, and a release is remembered too.
      expect(second.acknowledgeAlarm(folded.id, OTTO)?.acknowledgedBy).toBe("otto");
      second.releaseOverride("x1", OTTO);
    } finally {
      await second.stop();
    }

    const third = await start();
    try {
      expect(third.planner.overrideOf("x1")).toBeNull();
      // Acknowledged and cleared: done with, so not brought back.
      expect(third.alarms.list({ all: true })).toEqual([]);
      expect(third.audit.list(100).map((e) => e.action).slice(0, 2)).toEqual(["plan.release", "alarm.acknowledge"]);
    } finally {
      await third.stop();
    }
  });

  it("refuses to change or delete audit entries, even through SQLite directly", () => {
    const db = new Database(join(dir, STATE_FILE));
    try {
      expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
      expect(() => db.prepare("UPDATE audit SET entry = '{}'").run()).toThrow(/append-only/);
      expect((db.prepare("SELECT count(*) AS n FROM audit").get() as { n: number }).n).toBeGreaterThanOrEqual(5);
    } finally {
      db.close();
    }
  });
});
