import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseHubConfig } from "../config.js";
import { historyBoundsFor } from "../tsdb/index.js";
import { intersectionsHeard } from "./recording.js";

const example = async (): Promise<Record<string, unknown> & { broker: { devices: Record<string, unknown>[] } }> =>
  parse(await readFile(join(import.meta.dirname, "../../examples/hub.yaml"), "utf8")) as Record<string, unknown> & { broker: { devices: Record<string, unknown>[] } };

describe("the history budget's share per intersection", () => {
  it("counts every intersection a device account may speak for, not only the configured ones", async () => {
    const base = await example();
    const configured = parseHubConfig(base);
    expect(configured.broker.type).toBe("embedded");
    const configuredIds = new Set(configured.intersections.map((x) => x.intersectionId));
    // The example's devices speak for configured intersections: nothing more to share with.
    expect(intersectionsHeard(configured)).toBe(configuredIds.size);
    // 600 accounts for intersections the configuration does not describe, one of them twice.
    const device = base.broker.devices[0]!;
    const extra = Array.from({ length: 601 }, (_, i) => ({ ...device, username: `edge-extra-${i}`, intersectionId: `extra-${i % 600}` }));
    const withExtra = parseHubConfig({ ...base, broker: { ...base.broker, devices: [...base.broker.devices, ...extra] } });
    expect(intersectionsHeard(withExtra)).toBe(configuredIds.size + 600);
    // So each intersection keeps less than the defaults, and the whole hub stays within its budget.
    expect(historyBoundsFor(intersectionsHeard(withExtra)).measuresPerApproach).toBeLessThan(historyBoundsFor(configuredIds.size).measuresPerApproach);
  });
});
