import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualLoopVehicleCounter } from "../../edge/inference/index.js";
import { FixedTimeSignals, TrafficSimulation, loadScenario } from "../traffic/index.js";
import { CameraRenderer } from "./camera-renderer.js";
import { countAccuracy, type CountAccuracy } from "./count-accuracy.js";

const FRAME_S = 0.2;
/** A vehicle reaches its loop within this long of crossing its stop line (1–4 m past it, at 5 m/s or more). */
const REACH_LOOP_MS = 1200;

interface RunResult {
  accuracy: CountAccuracy;
  crossings: number;
  /** Crossings paired one-to-one with a loop-on on their own lane's loop soon after. */
  matched: number;
  /** Loop-ons that no crossing explains. */
  unexplained: number;
  missedByClass: Record<string, number>;
}

const cacheDir = mkdtempSync(join(tmpdir(), "camera-e2e-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/**
 * Simulate with fixed-time signals, render every frame at 5 fps with noise, lighting drift and
 * shadows, count with the built-in virtual-loop model from the generated camera configuration,
 * and compare with the simulation's stop-line crossings.
 */
async function countAgainstTruth(scenarioName: string, intersectionId: string, simulatedS: number): Promise<RunResult> {
  const scenario = await loadScenario(scenarioName);
  const sim = new TrafficSimulation(scenario, new FixedTimeSignals(scenario));
  const renderer = new CameraRenderer(scenario, intersectionId);
  const counter = await VirtualLoopVehicleCounter.create(renderer.camera, 0, { cacheDir, background: renderer.emptyFrame(0) });
  const loopZones = new Set(renderer.camera.approaches.flatMap((a) => a.zones.filter((z) => z.kind === "loop").map((z) => z.id)));
  const crossings: { tMs: number; approach: string; zoneId: string; cls: string }[] = [];
  const ons: { tMs: number; approach: string; zoneId: string }[] = [];
  const target = new Uint8Array(renderer.width * renderer.height * 3);
  try {
    while (sim.timeS < simulatedS - 1e-9) {
      const stepCrossings = sim.step(FRAME_S);
      for (const c of stepCrossings) {
        if (c.intersectionId === intersectionId) crossings.push({ tMs: c.tS * 1000, approach: c.approach, zoneId: `${c.approach}-loop-${c.lane}`, cls: c.class });
      }
      const { frame } = renderer.render(sim.snapshot(), stepCrossings, target);
      const report = await counter.process(frame, Math.round(sim.timeS * 1000));
      for (const e of report.loopEvents) {
        if (e.state === "on" && loopZones.has(e.zoneId)) ons.push({ tMs: e.tMs, approach: e.approachId, zoneId: e.zoneId });
      }
    }
  } finally {
    await counter.close();
  }
  // Compare up to a moment with no crossing for REACH_LOOP_MS either side, so that no vehicle is
  // counted on one side of the cut and crossed on the other.
  let cutMs = (simulatedS - 3) * 1000;
  while (crossings.some((c) => Math.abs(c.tMs - cutMs) <= REACH_LOOP_MS)) cutMs -= 100;
  const compared = crossings.filter((c) => c.tMs < cutMs);
  const countedOns = ons.filter((o) => o.tMs < cutMs);
  const truth: Record<string, number> = {};
  const counted: Record<string, number> = {};
  for (const c of compared) truth[c.approach] = (truth[c.approach] ?? 0) + 1;
  for (const o of countedOns) counted[o.approach] = (counted[o.approach] ?? 0) + 1;

  const used = new Set<number>();
  const missedByClass: Record<string, number> = {};
  let matched = 0;
  for (const c of compared) {
    const k = countedOns.findIndex((o, i) => !used.has(i) && o.zoneId === c.zoneId && o.tMs >= c.tMs - 100 && o.tMs <= c.tMs + REACH_LOOP_MS);
    if (k >= 0) {
      used.add(k);
      matched++;
    } else {
      missedByClass[c.cls] = (missedByClass[c.cls] ?? 0) + 1;
    }
  }
  return { accuracy: countAccuracy(counted, truth), crossings: compared.length, matched, unexplained: countedOns.length - used.size, missedByClass };
}

function summary(label: string, r: RunResult): string {
  const a = r.accuracy;
  const byApproach = Object.entries(a.byKey).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ");
  return `${label}: countAccuracy ${a.overall.toFixed(4)} (${a.totalCounted} counted / ${a.totalTrue} crossed; ${byApproach}); matched ${r.matched}/${r.crossings}, unexplained loop-ons ${r.unexplained}, missed ${JSON.stringify(r.missedByClass)}`;
}

describe("counting the rendered camera with the built-in virtual-loop model", () => {
  it("counts the single intersection's approaches within 5 % of the stop-line crossings over 10 simulated minutes", async () => {
    const r = await countAgainstTruth("single", "main-oak", 600);
    console.info(summary("single/main-oak, 600 s at 5 fps", r));
    expect(r.crossings).toBeGreaterThan(150);
    expect(r.accuracy.overall).toBeGreaterThanOrEqual(0.95);
    for (const [approach, accuracy] of Object.entries(r.accuracy.byKey)) expect(accuracy, approach).toBeGreaterThanOrEqual(0.9);
    // Not errors that cancel out: nearly every crossing is its own loop's count, and nearly no count comes from nothing.
    expect(r.matched / r.crossings).toBeGreaterThanOrEqual(0.95);
    expect(r.unexplained).toBeLessThanOrEqual(0.02 * r.crossings);
  }, 180_000);

  it("counts a corridor intersection fed by platoons from its neighbours just as well", async () => {
    const r = await countAgainstTruth("corridor", "main-3rd", 600);
    console.info(summary("corridor/main-3rd, 600 s at 5 fps", r));
    expect(r.crossings).toBeGreaterThan(100);
    expect(r.accuracy.overall).toBeGreaterThanOrEqual(0.95);
    for (const [approach, accuracy] of Object.entries(r.accuracy.byKey)) expect(accuracy, approach).toBeGreaterThanOrEqual(0.9);
    expect(r.matched / r.crossings).toBeGreaterThanOrEqual(0.95);
    expect(r.unexplained).toBeLessThanOrEqual(0.02 * r.crossings);
  }, 180_000);
});
