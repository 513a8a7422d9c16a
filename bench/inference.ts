/**
 * Inference benchmark: end-to-end frames per second of the edge pipeline (JPEG decode, letterbox,
 * model, output decode, tracking, counting) against the model alone (`session.run` in a loop on one
 * prepared tensor), measured in the same run, plus peak RSS. Each model runs in its own child
 * process so its peak RSS is its own. Last line per model: one JSON object; yolox_nano last.
 *
 *   npm run bench:inference [-- --seconds 5]
 *   npm run bench:inference -- --source rtsp [--json]   (see bench/rtsp-camera.ts)
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import sharp from "sharp";
import { parseCameraConfig, type CameraConfig, type VehicleCounter, DetectorVehicleCounter, VirtualLoopVehicleCounter, virtualLoopSpecOf } from "../edge/inference/index.js";
import { VirtualLoopRunner } from "../edge/inference/virtual-loop/index.js";
import { CAMERA_FPS, mjpegSource, rtspSource, runSource, startMjpegCamera, startRtspCamera } from "./rtsp-camera.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, existsSync(resolve(here, "../package.json")) ? ".." : "../..");
const yoloxPath = resolve(root, "../shared/models/yolox_nano.onnx");
const photoPath = resolve(root, "../shared/fixtures/images/dog.jpg");
const WIDTH = 1280;
const HEIGHT = 720;

const argSeconds = process.argv.indexOf("--seconds");
const seconds = argSeconds > 0 ? Number(process.argv[argSeconds + 1]) : 4;

/** A 1280×720 camera with two approaches: queue zones, loops and counting lines. */
const camera: CameraConfig = parseCameraConfig({
  width: WIDTH,
  height: HEIGHT,
  approaches: [
    {
      id: "E",
      zones: [
        { id: "E-queue", kind: "queue", polygon: [[0, 380], [600, 380], [600, 560], [0, 560]], capacityVeh: 8, lanes: 2 },
        { id: "E-loop", kind: "loop", polygon: [[600, 380], [680, 380], [680, 560], [600, 560]] },
      ],
      lines: [{ id: "E-stop", from: [640, 360], to: [640, 580] }],
    },
    {
      id: "N",
      zones: [{ id: "N-loop", kind: "loop", polygon: [[700, 100], [900, 100], [900, 180], [700, 180]] }],
      lines: [{ id: "N-stop", from: [680, 200], to: [920, 200] }],
    },
  ],
});

/** Eight distinct JPEG frames (so no decode is ever cached): the fixture photo, or a drawn street. */
async function makeFrames(): Promise<Buffer[]> {
  const base = existsSync(photoPath)
    ? sharp(photoPath).resize(WIDTH, HEIGHT, { fit: "fill" })
    : sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 96, g: 96, b: 100 } } });
  const raw = await base.removeAlpha().raw().toBuffer();
  const frames: Buffer[] = [];
  for (let i = 0; i < 8; i++) {
    const car = Buffer.from(
      `<svg width="${WIDTH}" height="${HEIGHT}"><rect x="${100 + i * 60}" y="420" width="160" height="90" fill="rgb(${30 + i * 20},40,160)"/></svg>`,
    );
    frames.push(await sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).composite([{ input: car }]).jpeg({ quality: 85 }).toBuffer());
  }
  return frames;
}

async function timeLoop(label: string, minSeconds: number, step: () => Promise<void>): Promise<number> {
  let frames = 0;
  const start = performance.now();
  while (performance.now() - start < minSeconds * 1000) {
    await step();
    frames++;
  }
  const fps = frames / ((performance.now() - start) / 1000);
  process.stderr.write(`  ${label}: ${fps.toFixed(1)} fps over ${frames} frames\n`);
  return fps;
}

async function pipelineFps(counter: VehicleCounter, frames: Buffer[], minSeconds: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const source = function* () {
    while (performance.now() - start < minSeconds * 1000) yield { frame: frames[n % frames.length]!, tMs: n * 200 };
  };
  for await (const _report of counter.processStream(source())) n++;
  const fps = n / ((performance.now() - start) / 1000);
  process.stderr.write(`  pipeline: ${fps.toFixed(1)} fps over ${n} frames\n`);
  return fps;
}

async function benchModel(model: "builtin" | "yolox_nano"): Promise<void> {
  sharp.cache(false);
  const frames = await makeFrames();
  let counter: VehicleCounter;
  let modelOnly: () => Promise<void>;
  if (model === "yolox_nano") {
    const detectorCounter = await DetectorVehicleCounter.create(yoloxPath, camera, 0);
    await detectorCounter.detector.prepare(frames[0]!, 0);
    modelOnly = async () => void (await detectorCounter.detector.runSlot(0));
    counter = detectorCounter;
  } else {
    counter = await VirtualLoopVehicleCounter.create(camera, 0);
    const spec = virtualLoopSpecOf(camera);
    const runner = await VirtualLoopRunner.create(spec, { sessionOptions: { intraOpNumThreads: 1 } });
    const tensor = new Float32Array(3 * spec.width * spec.height).fill(100);
    modelOnly = async () => void (await runner.run(tensor));
  }
  // Warm both paths, then alternate so drift on a shared machine hits both alike.
  await timeLoop("warm-up", 0.5, modelOnly);
  await pipelineFps(counter, frames, 0.5);
  const modelRuns: number[] = [];
  const pipelineRuns: number[] = [];
  for (let round = 0; round < 2; round++) {
    modelRuns.push(await timeLoop("model alone", seconds / 2, modelOnly));
    pipelineRuns.push(await pipelineFps(counter, frames, seconds / 2));
  }
  const modelFps = Math.max(...modelRuns);
  const pipeline = Math.max(...pipelineRuns);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const result = {
    bench: "inference",
    model,
    frame: `${WIDTH}x${HEIGHT} jpeg`,
    pipelineFps: Number(pipeline.toFixed(1)),
    modelFps: Number(modelFps.toFixed(1)),
    ratio: Number((pipeline / modelFps).toFixed(3)),
    peakRssMb: Number(peakRssMb.toFixed(1)),
  };
  process.send?.(result);
  await counter.close();
}

const argSource = process.argv.indexOf("--source");
const source = argSource > 0 ? process.argv[argSource + 1] : "jpeg";
const argUrl = process.argv.indexOf("--rtsp-url");

async function createModelCounter(model: "builtin" | "yolox_nano"): Promise<VehicleCounter> {
  return model === "yolox_nano" ? DetectorVehicleCounter.create(yoloxPath, camera, 0) : VirtualLoopVehicleCounter.create(camera, 0);
}

/** One model on the RTSP camera and on the same frames as MJPEG, both at the camera's 10 fps. */
async function benchRtsp(model: "builtin" | "yolox_nano", url: string): Promise<void> {
  sharp.cache(false);
  const frames = await makeFrames();
  const mjpeg = await startMjpegCamera(frames);
  const counter = await createModelCounter(model);
  const rtspRun = await runSource(counter, rtspSource(url, camera), seconds);
  process.stderr.write(`  rtsp:  ${rtspRun.fps.toFixed(2)} fps over ${rtspRun.frames} frames, ${rtspRun.cpuCores.toFixed(2)} cores (agent + ffmpeg)\n`);
  const mjpegRun = await runSource(counter, mjpegSource(mjpeg.url), seconds);
  process.stderr.write(`  mjpeg: ${mjpegRun.fps.toFixed(2)} fps over ${mjpegRun.frames} frames, ${mjpegRun.cpuCores.toFixed(2)} cores\n`);
  await mjpeg.close();
  const agentPeakMb = process.resourceUsage().maxRSS / 1024;
  process.send?.({
    bench: "inference",
    source: "rtsp",
    model,
    frame: `${WIDTH}x${HEIGHT} h264 @${CAMERA_FPS} fps`,
    cameraFps: CAMERA_FPS,
    pipelineFps: Number(rtspRun.fps.toFixed(2)),
    mjpegFps: Number(mjpegRun.fps.toFixed(2)),
    ratioToMjpeg: Number((rtspRun.fps / mjpegRun.fps).toFixed(3)),
    cpuCores: Number(rtspRun.cpuCores.toFixed(2)),
    mjpegCpuCores: Number(mjpegRun.cpuCores.toFixed(2)),
    peakRssMb: Number((agentPeakMb + rtspRun.ffmpegPeakRssMb).toFixed(1)),
    ffmpegPeakRssMb: Number(rtspRun.ffmpegPeakRssMb.toFixed(1)),
  });
  await counter.close();
}

async function runChild(model: string, extra: string[] = []): Promise<Record<string, unknown>> {
  return new Promise((resolveResult, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", model, "--seconds", String(seconds), ...extra], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: Record<string, unknown> | undefined;
    child.on("message", (m) => (result = m as Record<string, unknown>));
    child.on("exit", (code) => (result ? resolveResult(result) : reject(new Error(`${model} bench exited with ${code}`))));
  });
}

const childAt = process.argv.indexOf("--child");
if (childAt > 0 && argUrl > 0) {
  await benchRtsp(process.argv[childAt + 1] as "builtin" | "yolox_nano", process.argv[argUrl + 1]!);
} else if (childAt > 0) {
  await benchModel(process.argv[childAt + 1] as "builtin" | "yolox_nano");
} else if (source === "rtsp") {
  const models = ["builtin", ...(existsSync(yoloxPath) ? ["yolox_nano"] : [])];
  if (!existsSync(yoloxPath)) process.stderr.write(`yolox_nano skipped: ${yoloxPath} not found\n`);
  sharp.cache(false);
  // Each child's connection starts the clip from its beginning: it only has to outlast one child.
  const rtsp = await startRtspCamera(root, await makeFrames(), seconds + 20);
  try {
    for (const model of models) {
      process.stderr.write(`${model}, RTSP H.264 vs MJPEG at ${CAMERA_FPS} fps:\n`);
      const result = await runChild(model, ["--rtsp-url", rtsp.url]);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  } finally {
    await rtsp.close();
  }
} else {
  const models = ["builtin", ...(existsSync(yoloxPath) ? ["yolox_nano"] : [])];
  if (!existsSync(yoloxPath)) process.stderr.write(`yolox_nano skipped: ${yoloxPath} not found\n`);
  for (const model of models) {
    process.stderr.write(`${model}:\n`);
    const result = await runChild(model);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
