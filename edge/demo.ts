import { parseCameraConfig, VirtualLoopVehicleCounter, type RawRgbFrame } from "./inference/index.js";

/**
 * A self-contained demo of the edge pipeline: a drawn road with vehicles driving over a virtual
 * loop, counted by the built-in model, printing one measures interval per simulated 5 s.
 */
const W = 640;
const H = 360;

function frameAt(step: number): RawRgbFrame {
  const data = new Uint8Array(W * H * 3).fill(105);
  // One vehicle every 40 frames, 60 px long, 8 px per frame, in the eastbound lane.
  for (let v = 0; v < 8; v++) {
    const x0 = (step - v * 40) * 8;
    if (x0 + 60 < 0 || x0 >= W) continue;
    for (let y = 150; y < 190; y++) {
      for (let x = Math.max(0, x0); x < Math.min(W, x0 + 60); x++) {
        const o = (y * W + x) * 3;
        data[o] = 200;
        data[o + 1] = 40 + v * 20;
        data[o + 2] = 40;
      }
    }
  }
  return { data, width: W, height: H, channels: 3 };
}

export async function runDemo(seconds: number, print: (line: string) => void): Promise<void> {
  const camera = parseCameraConfig({
    width: W,
    height: H,
    approaches: [{ id: "W", zones: [{ id: "W-loop", kind: "loop", polygon: [[400, 140], [440, 140], [440, 200], [400, 200]] }] }],
  });
  const counter = await VirtualLoopVehicleCounter.create(camera, 0, { background: frameAt(-100) });
  const fps = 10;
  for (let step = 0; step < seconds * fps; step++) {
    const tMs = step * (1000 / fps);
    await counter.process(frameAt(step), tMs);
    if ((step + 1) % (5 * fps) === 0) print(JSON.stringify({ tS: (tMs + 100) / 1000, model: counter.modelId, ...counter.flush(tMs + 100) }));
  }
  await counter.close();
}
