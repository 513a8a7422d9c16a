import { describe, expect, it } from "vitest";
import type { IntervalMeasures } from "../inference/index.js";
import { AgentCore, type AgentPublisher } from "./agent-core.js";
import { ControllerCore } from "./controller/index.js";
import { twoPhaseController } from "./test-support/agent-rig.js";

const T0 = Date.UTC(2025, 0, 6, 7, 0, 0);

function coreWithMemory(): { core: AgentCore; measuresTs: number[]; flushedAt: number[] } {
  const measuresTs: number[] = [];
  const flushedAt: number[] = [];
  let lastFlushMs = T0;
  const publisher: AgentPublisher = {
    publishMeasures: (m) => measuresTs.push(m.ts),
    publishSignal: () => undefined,
    publishEvents: () => undefined,
  };
  const core = new AgentCore({
    intersectionId: "i1",
    controller: new ControllerCore(twoPhaseController(), T0),
    flushMeasures: (nowMs): IntervalMeasures => {
      flushedAt.push(nowMs);
      const intervalMs = nowMs - lastFlushMs;
      lastFlushMs = nowMs;
      return { intervalMs, framesProcessed: 0, approaches: [{ approachId: "N", count: 0, countsByClass: {}, queue: 0, occupancy: 0 }] };
    },
    modelId: "test",
    measuresIntervalMs: 1000,
    publisher,
    zoneIds: ["N-queue", "N-stopbar"],
    startMs: T0,
  });
  return { core, measuresTs, flushedAt };
}

describe("AgentCore measures intervals", () => {
  it("closes an interval at the first tick on or after each 1 s boundary", () => {
    const { core, measuresTs } = coreWithMemory();
    for (let t = 50; t <= 3000; t += 50) core.tick(T0 + t);
    expect(measuresTs).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
  });

  it("stays on the grid after a late tick, skipping a boundary that would leave a sliver of an interval", () => {
    const { core, measuresTs } = coreWithMemory();
    core.tick(T0 + 1100); // 100 ms late: the next boundary (2000) is still most of an interval away
    core.tick(T0 + 2000);
    core.tick(T0 + 3950); // 950 ms late: 4000 would close a 50 ms interval, so 5000 is next
    core.tick(T0 + 4000);
    core.tick(T0 + 4999);
    core.tick(T0 + 5000);
    expect(measuresTs).toEqual([T0 + 1100, T0 + 2000, T0 + 3950, T0 + 5000]);
  });
});
