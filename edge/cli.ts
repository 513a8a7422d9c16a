#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import {
  countByVehicleClass,
  DetectorVehicleCounter,
  loadCameraConfig,
  MODEL_FAMILIES,
  VirtualLoopVehicleCounter,
  type CameraConfig,
  type FrameReport,
  type ObjectDetection,
  type VehicleCounter,
  Detector,
} from "./inference/index.js";

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function detectionJson(d: ObjectDetection): Record<string, unknown> {
  return {
    class: d.label,
    classId: d.classId,
    ...(d.vehicleClass ? { vehicleClass: d.vehicleClass } : {}),
    score: round(d.score, 3),
    box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2].map((v) => round(v, 1)),
  };
}

function approachesJson(report: FrameReport, camera: CameraConfig): Record<string, unknown>[] {
  return camera.approaches.map((a) => {
    const zones = report.zones.filter((z) => z.approachId === a.id);
    return {
      approachId: a.id,
      counted: report.counts.filter((c) => c.approachId === a.id).length,
      queue: round(zones.reduce((s, z) => s + z.queueVeh, 0), 2),
      occupancy: zones.length === 0 ? 0 : round(zones.reduce((s, z) => s + z.occupied, 0) / zones.length, 3),
    };
  });
}

async function loadZones(path: string): Promise<CameraConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new Error(`${path}: no such camera configuration file`);
  }
  return loadCameraConfig(text, /\.json$/i.test(path) ? "json" : "yaml");
}

function parseUnit(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError("expected a number from 0 to 1");
  return n;
}

interface DetectOptions {
  model: string;
  zones?: string;
  json?: boolean;
  score: number;
  iou: number;
  family: string;
  providers: string;
  threads?: string;
}

async function detect(images: string[], opts: DetectOptions): Promise<number> {
  const builtin = opts.model === "builtin";
  if (builtin && !opts.zones) throw new Error("--model builtin (the virtual-loop model) needs --zones <camera config>");
  const camera = opts.zones ? await loadZones(opts.zones) : undefined;
  const providers = opts.providers.split(",").map((p) => p.trim()) as ("cpu" | "cuda" | "tensorrt" | "webgpu")[];
  const detectorConfig = {
    scoreThreshold: opts.score,
    iouThreshold: opts.iou,
    family: opts.family as "auto",
    executionProviders: providers,
    ...(opts.threads ? { intraOpThreads: Number(opts.threads) } : {}),
  };
  const startMs = 0;
  let counter: VehicleCounter | undefined;
  let detector: Detector | undefined;
  if (builtin) counter = await VirtualLoopVehicleCounter.create(camera!, startMs);
  else if (camera) counter = await DetectorVehicleCounter.create(opts.model, camera, startMs, detectorConfig);
  else detector = await Detector.create(opts.model, detectorConfig);

  const results: Record<string, unknown>[] = [];
  let failures = 0;
  // Images given with --zones are frames of one camera in time order, one "frame" apart (200 ms).
  for (const [i, image] of images.entries()) {
    try {
      let out: Record<string, unknown>;
      if (counter) {
        const report = await counter.process(image, startMs + i * 200);
        out = {
          image,
          ...(builtin ? {} : { detections: report.detections.map(detectionJson), vehicles: countByVehicleClass(report.detections) }),
          approaches: approachesJson(report, camera!),
        };
      } else {
        const result = await detector!.detect(image);
        out = { image, width: result.width, height: result.height, detections: result.detections.map(detectionJson), vehicles: countByVehicleClass(result.detections) };
      }
      if (opts.json) results.push(out);
      else process.stdout.write(`${JSON.stringify(out)}\n`);
    } catch (err) {
      failures++;
      process.stderr.write(`traffic-edge: ${(err as Error).message}\n`);
    }
  }
  const modelId = counter?.modelId ?? detector!.modelId;
  const measures = counter ? counter.flush(startMs + images.length * 200) : undefined;
  if (opts.json) process.stdout.write(`${JSON.stringify({ model: modelId, images: results, ...(measures ? { measures } : {}) }, null, 2)}\n`);
  else if (measures) process.stdout.write(`${JSON.stringify({ model: modelId, measures })}\n`);
  await (counter ? counter.close() : detector!.release());
  return failures > 0 ? 1 : 0;
}

const program = new Command("traffic-edge").description("Edge agent for adaptive traffic signals: vehicle detection and counting").showHelpAfterError();

program
  .command("detect")
  .description("run a detector (or the built-in virtual-loop model) on images and print detections and counts as JSON")
  .requiredOption("--model <file.onnx|builtin>", "ONNX detector (YOLOv8/YOLO11, YOLOX, end-to-end) or 'builtin'")
  .option("--zones <file>", "camera configuration (YAML or JSON): approaches, zones, counting lines; images are then frames in time order")
  .option("--json", "print one JSON document instead of one line per image")
  .option("--score <0-1>", "minimum detection score", parseUnit, 0.25)
  .option("--iou <0-1>", "NMS IoU threshold", parseUnit, 0.45)
  .option("--family <name>", `output decoder: auto, ${MODEL_FAMILIES.join(", ")}`, "auto")
  .option("--providers <list>", "execution providers in order of preference (cpu, cuda)", "cpu")
  .option("--threads <n>", "onnxruntime intra-op threads")
  .argument("<images...>", "JPEG, PNG or other image files")
  .action(async (images: string[], opts: DetectOptions) => {
    process.exitCode = await detect(images, opts);
  });

program
  .command("demo")
  .description("count vehicles on a drawn road with the built-in model and print measures (no hardware, no files)")
  .option("--seconds <n>", "simulated seconds", "30")
  .action(async (opts: { seconds: string }) => {
    const { runDemo } = await import("./demo.js");
    await runDemo(Number(opts.seconds), (line) => process.stdout.write(`${line}\n`));
  });

program
  .command("run")
  .description("run this intersection's edge agent: camera → model → signal controller → MQTT, until SIGINT or SIGTERM")
  .requiredOption("--config <file>", "agent configuration (YAML, or JSON by its .json name); see examples/agent.yaml")
  .action(async (opts: { config: string }) => {
    const { runAgent } = await import("./agent/index.js");
    process.exitCode = await runAgent(opts.config);
  });

program
  .command("clear-fault")
  .description("on site, with the agent stopped: clear the controller's latched conflict fault (a cabinet MMU's reset), whatever remoteClearFault says")
  .requiredOption("--config <file>", "the agent's configuration (its stateDir holds controller.json)")
  .action(async (opts: { config: string }) => {
    const { loadAgentConfig } = await import("./agent/index.js");
    const { clearFaultOnSite } = await import("./agent/clear-fault-on-site.js");
    const result = clearFaultOnSite((await loadAgentConfig(opts.config)).stateDir);
    process.stdout.write(`${result.message}\n`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`traffic-edge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
