/**
 * Measures the simulated camera: render time of one raw frame, and frames per second end to end
 * (simulate, render, count with the built-in virtual-loop model).
 * Run: npx tsx simulators/camera/render-bench.ts [scenario] [intersectionId] [simulatedSeconds]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualLoopVehicleCounter } from "../../edge/inference/index.js";
import { FixedTimeSignals, TrafficSimulation, loadScenario } from "../traffic/index.js";
import { CameraRenderer } from "./camera-renderer.js";

const FRAME_S = 0.2;

async function main(): Promise<void> {
  const [name = "single", intersectionArg, secondsArg = "600"] = process.argv.slice(2);
  const scenario = await loadScenario(name);
  const intersectionId = intersectionArg ?? scenario.intersections[0].id;
  const simulatedS = Number(secondsArg);

  // Render only: the same frames twice, so the second pass times steady state.
  const sim = new TrafficSimulation(scenario, new FixedTimeSignals(scenario));
  const renderer = new CameraRenderer(scenario, intersectionId);
  const target = new Uint8Array(renderer.width * renderer.height * 3);
  let renderMs = 0;
  let frames = 0;
  while (sim.timeS < simulatedS) {
    const crossings = sim.step(FRAME_S);
    const snapshot = sim.snapshot();
    const t0 = performance.now();
    renderer.render(snapshot, crossings, target);
    renderMs += performance.now() - t0;
    frames++;
  }

  // End to end: simulate, render, count.
  const cacheDir = mkdtempSync(join(tmpdir(), "camera-bench-"));
  try {
    const sim2 = new TrafficSimulation(scenario, new FixedTimeSignals(scenario));
    const renderer2 = new CameraRenderer(scenario, intersectionId);
    const counter = await VirtualLoopVehicleCounter.create(renderer2.camera, 0, { cacheDir, background: renderer2.emptyFrame(0) });
    const start = performance.now();
    let e2eFrames = 0;
    while (sim2.timeS < simulatedS) {
      const crossings = sim2.step(FRAME_S);
      const { frame } = renderer2.render(sim2.snapshot(), crossings, target);
      await counter.process(frame, Math.round(sim2.timeS * 1000));
      e2eFrames++;
    }
    const e2eS = (performance.now() - start) / 1000;
    await counter.close();
    console.log(`${name}/${intersectionId}, ${renderer.width}×${renderer.height}, ${frames} frames (${simulatedS} simulated s at ${1 / FRAME_S} fps)`);
    console.log(`render: ${(renderMs / frames).toFixed(3)} ms per raw frame`);
    console.log(`end to end (simulate + render + virtual-loop count): ${(e2eFrames / e2eS).toFixed(0)} frames/s, ${((e2eS * 1000) / e2eFrames).toFixed(2)} ms per frame`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

await main();
