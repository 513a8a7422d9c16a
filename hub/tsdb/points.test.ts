import { describe, expect, it } from "vitest";
import { Measures, Plan, Signal, Status } from "../../protocol/index.js";
import { measuresLines, phaseGreenLines, planLines, signalLines, statusLines } from "./points.js";

const TS = 1_790_000_000_123;

const measures = Measures.parse({
  ts: TS,
  seq: 7,
  intersectionId: "main-1st",
  intervalMs: 5000,
  modelId: "virtual-loop",
  framesProcessed: 50,
  approaches: [
    { approachId: "north", count: 4, countsByClass: { car: 3, bus: 1 }, queue: 2.5, occupancy: 0.25 },
    { approachId: "south", count: 0, queue: 0, occupancy: 0 },
  ],
});

describe("payloads to line protocol", () => {
  it("writes one phase_green line per served green, stamped at its start, with its length and termination code", () => {
    expect(
      phaseGreenLines("downtown", "main-1st", [
        { phase: 2, startMs: TS, endMs: TS + 31_500, termination: "force-off" },
        { phase: 4, startMs: TS + 37_000, endMs: TS + 44_000, termination: null },
      ]),
    ).toEqual([
      `phase_green,intersection=main-1st,phase=2,region=downtown green_s=31.5,termination=6i ${TS}`,
      `phase_green,intersection=main-1st,phase=4,region=downtown green_s=7,termination=0i ${TS + 37_000}`,
    ]);
  });

  it("writes one approach_measures line per approach, tagged and stamped with the payload's own ms timestamp", () => {
    const lines = measuresLines("downtown", measures);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `approach_measures,approach=north,intersection=main-1st,region=downtown count=4i,count_bus=1i,count_car=3i,interval_ms=5000i,occupancy=0.25,queue=2.5 ${TS}`,
    );
    expect(lines[1]).toMatch(/^approach_measures,approach=south,intersection=main-1st,region=downtown count=0i,interval_ms=5000i,occupancy=0,queue=0 1790000000123$/);
  });

  it("encodes signal groups and mode as numbers and keeps the plan id as text only when asked", () => {
    const signal = Signal.parse({
      ts: TS,
      seq: 1,
      intersectionId: "main-1st",
      mode: "fallback",
      planId: "p-42",
      cycleSecond: 12.5,
      activePhases: [2, 6],
      groups: { "2": "G", "4": "R", "6": "Y" },
    });
    const [withText] = signalLines("downtown", signal, { textFields: true });
    expect(withText).toBe(`signal,intersection=main-1st,region=downtown cycle_second=12.5,group_2=3i,group_4=1i,group_6=2i,mode=1i,plan_id="p-42" ${TS}`);
    const [numeric] = signalLines("downtown", signal, { textFields: false });
    expect(numeric).not.toContain("plan_id");
    expect(numeric).toContain("mode=1i");
  });

  it("writes a plan's cycle, offset and each phase's split", () => {
    const plan = Plan.parse({
      ts: TS,
      seq: 3,
      intersectionId: "main-1st",
      planId: "w-7",
      cycleS: 90,
      offsetS: 10,
      splitsS: { "2": 50, "4": 40 },
      validUntil: TS + 600_000,
      reason: "webster: critical ratios 0.4/0.3",
      policy: "webster",
    });
    const [line] = planLines("downtown", plan, { textFields: true });
    expect(line).toContain("cycle_s=90,");
    expect(line).toContain("offset_s=10,");
    expect(line).toContain("split_s_2=50,split_s_4=40");
    expect(line).toContain(`valid_until_ms=${TS + 600_000}i`);
    expect(line).toContain('reason="webster: critical ratios 0.4/0.3"');
    expect(line.startsWith("plan,intersection=main-1st,region=downtown ")).toBe(true);
    expect(line.endsWith(` ${TS}`)).toBe(true);
  });

  it("writes agent health with only the fields the status carries", () => {
    const full = Status.parse({ ts: TS, seq: 9, intersectionId: "main-1st", online: true, camera: { ok: false }, inferenceFps: 14.5, mode: "adaptive" });
    expect(statusLines("downtown", full, { textFields: false })).toEqual([
      `agent_health,intersection=main-1st,region=downtown camera_ok=F,inference_fps=14.5,mode=0i,online=T ${TS}`,
    ]);
    const lastWill = Status.parse({ ts: TS, seq: 10, intersectionId: "main-1st", online: false });
    expect(statusLines("downtown", lastWill, { textFields: true })).toEqual([`agent_health,intersection=main-1st,region=downtown online=F ${TS}`]);
  });
});
