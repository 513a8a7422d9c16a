import { describe, expect, it } from "vitest";
import { parseCameraConfig, detectorChannelsOf } from "../inference/index.js";
import type { ControllerEvent } from "../../protocol/index.js";
import { AgentCore } from "./agent-core.js";
import { ControllerCore } from "./controller/index.js";
import { fourPhaseConfig } from "./controller/test-support/fixtures.js";
import { twoPhaseController } from "./test-support/agent-rig.js";

const T0 = Date.UTC(2025, 0, 6, 7, 0, 0);

function coreLogging(zoneChannels?: ReadonlyMap<string, number>): { core: AgentCore; events: ControllerEvent[] } {
  const events: ControllerEvent[] = [];
  const core = new AgentCore({
    intersectionId: "i1",
    // N-stopbar is also one of the controller's own detectors (it calls phase 2).
    controller: new ControllerCore(twoPhaseController(), T0),
    flushMeasures: () => ({ intervalMs: 1000, framesProcessed: 0, approaches: [] }),
    modelId: "test",
    measuresIntervalMs: 1000,
    publisher: { publishMeasures: () => undefined, publishSignal: () => undefined, publishEvents: (m) => events.push(...m.events) },
    zoneIds: ["N-queue", "N-stopbar", "N-advance"],
    ...(zoneChannels ? { zoneChannels } : {}),
    startMs: T0,
  });
  return { core, events };
}

const loop = (zoneId: string, on: boolean, tMs: number) => ({ zoneId, approachId: "N", state: on ? ("on" as const) : ("off" as const), code: on ? (82 as const) : (81 as const), tMs });
const frame = (loopEvents: ReturnType<typeof loop>[], tMs: number) => ({ tMs, counts: [], zones: [], crossings: [], loopEvents, detections: [] });

describe("the agent's detector events", () => {
  it("reports each zone change once, as 82/81 with the zone's channel, also for a zone the controller actuates on", () => {
    const { core, events } = coreLogging();
    core.frame(frame([loop("N-stopbar", true, T0 + 100), loop("N-advance", true, T0 + 100)], T0 + 100));
    core.frame(frame([loop("N-stopbar", false, T0 + 900)], T0 + 900));
    core.tick(T0 + 1000);
    const detector = events.filter((e) => e.type === "hires" && (e.code === 81 || e.code === 82));
    expect(detector).toEqual([
      { type: "hires", ts: T0 + 100, code: 82, param: 2 },
      { type: "hires", ts: T0 + 100, code: 82, param: 3 },
      { type: "hires", ts: T0 + 900, code: 81, param: 2 },
    ]);
  });

  it("uses the channels the camera config gives its zones", () => {
    const camera = parseCameraConfig({
      width: 640,
      height: 360,
      approaches: [
        {
          id: "N",
          zones: [
            { id: "N-stopbar", kind: "presence", polygon: [[10, 10], [50, 10], [50, 50]], channel: 11 },
            { id: "N-advance", kind: "presence", polygon: [[60, 10], [90, 10], [90, 50]], channel: 12 },
          ],
        },
      ],
    });
    const channels = detectorChannelsOf(camera);
    expect([...channels]).toEqual([["N-stopbar", 11], ["N-advance", 12]]);
    const { core, events } = coreLogging(channels);
    core.frame(frame([loop("N-advance", true, T0 + 100)], T0 + 100));
    core.tick(T0 + 200);
    expect(events.filter((e) => e.type === "hires" && e.code === 82)).toEqual([{ type: "hires", ts: T0 + 100, code: 82, param: 12 }]);
  });

  it("publishes a pedestrian push-button call as event 45 with the phase", () => {
    const events: ControllerEvent[] = [];
    const core = new AgentCore({
      intersectionId: "i1",
      controller: new ControllerCore(fourPhaseConfig(), T0),
      flushMeasures: () => ({ intervalMs: 1000, framesProcessed: 0, approaches: [] }),
      modelId: "test",
      measuresIntervalMs: 1000,
      publisher: { publishMeasures: () => undefined, publishSignal: () => undefined, publishEvents: (m) => events.push(...m.events) },
      zoneIds: [],
      startMs: T0,
    });
    core.tick(T0);
    core.pedestrianCall(4, T0 + 50);
    core.tick(T0 + 100);
    expect(events.filter((e) => e.type === "hires" && e.code === 45)).toEqual([{ type: "hires", ts: T0 + 50, code: 45, param: 4 }]);
  });

  it("refuses two zones on one channel, naming the zone", () => {
    const zone = (id: string, channel?: number) => ({ id, kind: "presence", polygon: [[10, 10], [50, 10], [50, 50]], ...(channel ? { channel } : {}) });
    expect(() => parseCameraConfig({ width: 640, height: 360, approaches: [{ id: "N", zones: [zone("a"), zone("b", 1)] }] })).toThrow(/zones\[1\]\.channel: detector channel 1 is also zone "a"'s/);
  });
});
