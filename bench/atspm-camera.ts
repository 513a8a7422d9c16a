/**
 * ATSPM from the simulated camera: the camera closed loop (rendered frames → the agent's virtual
 * loops → hi-res events) with the camera's stop-bar and advance zones, arrivals on green and split
 * failures from its events against the simulator's truth, under fixed time and under the hub.
 *
 *   npm run bench:atspm-camera -- [--scenario single] [--duration 3600] [--seed 1]
 *
 * Slower than `bench:atspm` (every frame is rendered and run through the model), so one seed. The
 * last line is one JSON object: per controller the estimate, the truth and the error in points.
 */
import { computeMeasures, EventLogBuilder } from "../hub/atspm/index.js";
import { cameraAtspmConfig, cameraAtspmDetectors } from "../simulators/camera/index.js";
import { compareWithTruth } from "../simulators/closed-loop/atspm-check.js";
import { AtspmTruth } from "../simulators/closed-loop/atspm-truth.js";
import { simDetectorsOfCamera } from "../simulators/closed-loop/camera-atspm.js";
import { startHubBridge } from "../simulators/closed-loop/hub-bridge.js";
import { runClosedLoop, SIM_EPOCH_MS } from "../simulators/closed-loop/run.js";
import { loadScenario } from "../simulators/index.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scenario = await loadScenario(arg("scenario") ?? "single");
const durationS = Number(arg("duration") ?? 3600);
const seed = Number(arg("seed") ?? 1);
if (!(durationS > 0) || !Number.isInteger(seed)) throw new Error("bench:atspm-camera: --duration must be positive and --seed an integer");
const cameraDetectors = new Map(scenario.intersections.map((x) => [x.id, cameraAtspmDetectors(scenario, x.id)]));

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const out: Record<string, unknown> = { bench: "atspm-camera", scenario: scenario.name, durationS, seed };
for (const controller of ["fixed", "hub"] as const) {
  const truth = new AtspmTruth(new Map([...cameraDetectors].map(([id, d]) => [id, simDetectorsOfCamera(d)])), SIM_EPOCH_MS);
  const builders = new Map(scenario.intersections.map((x) => [x.id, new EventLogBuilder()]));
  const bridge = controller === "hub" ? await startHubBridge(scenario) : undefined;
  try {
    const result = await runClosedLoop(scenario, { controller, durationS, seed }, {
      ...(bridge ? { hub: bridge } : {}),
      onStep: (simMs, snapshot, groups) => truth.observe(snapshot, simMs, groups),
      onEvents: (id, events) => {
        truth.controllerEvents(id, events);
        for (const e of events) if (e.type === "hires") builders.get(id)?.push(e.ts, e.code, e.param);
      },
    });
    const measures = new Map([...builders].map(([id, b]) => [id, computeMeasures(b.build(), cameraAtspmConfig(cameraDetectors.get(id) ?? []))]));
    const c = compareWithTruth({ truth }, measures);
    const row = {
      arrivals: c.arrivals,
      truthArrivals: c.truthArrivals,
      aogPct: round(c.aogEstimatePct),
      aogTruthPct: round(c.aogTruthPct),
      aogErrorPts: round(Math.abs(c.aogEstimatePct - c.aogTruthPct)),
      greens: c.greens,
      splitFailurePct: round(c.splitFailureEstimatePct),
      splitFailureTruthPct: round(c.splitFailureTruthPct),
      splitFailureErrorPts: round(Math.abs(c.splitFailureEstimatePct - c.splitFailureTruthPct)),
      countAccuracy: result.countAccuracy,
      wallS: result.wallS,
    };
    console.log(`${controller}: arrivals ${row.arrivals} (truth ${row.truthArrivals}), on green ${row.aogPct} % (truth ${row.aogTruthPct} %), split failures ${row.splitFailurePct} % of ${row.greens} greens (truth ${row.splitFailureTruthPct} %), ${row.wallS} s`);
    out[controller] = row;
  } finally {
    await bridge?.close();
  }
}
console.log(JSON.stringify(out));
