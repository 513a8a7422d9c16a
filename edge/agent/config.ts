import { access } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { approachMismatches, Id, ValidationError } from "../../protocol/index.js";
import { describeFsError, formatOf, parseConfig, parseConfigText, readConfigText } from "../../common/config-file.js";
import { CameraConfig, DetectorConfig } from "../inference/index.js";
import { CameraSourceConfig } from "./camera/index.js";
import { ControllerConfig } from "./controller/index.js";
import { MqttLinkOptions } from "./link/index.js";

/** Everything the link takes except what the agent supplies itself (identity, outbox folder, version). */
const BrokerSettings = z.strictObject(MqttLinkOptions.in.omit({ region: true, intersectionId: true, outboxDir: true, version: true }).shape);

const BuiltinModel = z.strictObject({
  type: z.literal("builtin"),
  /** Where the generated virtual-loop model is cached; defaults to ~/.cache/traffic-signals/models. */
  cacheDir: z.string().min(1).optional(),
});

const DetectorModel = z.strictObject({
  ...DetectorConfig.shape,
  type: z.literal("detector"),
  /** An ONNX detector export (YOLOv8/YOLO11, YOLOX, end-to-end). */
  path: z.string().min(1),
});

export const ModelSettings = z.discriminatedUnion("type", [BuiltinModel, DetectorModel]);
export type ModelSettings = z.infer<typeof ModelSettings>;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The edge agent's whole configuration, with every referenced document inline. Files hold the
 * looser `AgentConfigFile` (paths allowed); `loadAgentConfig` reads those paths and yields this.
 */
export const AgentConfig = z.strictObject({
  intersectionId: Id,
  region: Id,
  /** Software version reported in the status. */
  version: z.string().min(1).max(50).optional(),
  /** Holds the outbox (`outbox/`), the seq high-water mark and `controller.json`. */
  stateDir: z.string().min(1),
  broker: BrokerSettings,
  camera: z.strictObject({
    source: CameraSourceConfig,
    config: CameraConfig,
    /** A picture of the empty road for the built-in model; without one the first frame is the background. */
    background: z.string().min(1).optional(),
  }),
  model: ModelSettings.default({ type: "builtin" }),
  measuresIntervalMs: z.number().int().min(100).max(3_600_000).default(5000),
  controller: ControllerConfig,
  tickMs: z.number().int().min(10).max(1000).default(100),
  statusIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default("info") }).prefault({}),
  /** Camera snapshots for the dashboard (a small JPEG with zones, lines and detections), besides those asked for. */
  snapshot: z
    .strictObject({
      /** Periodic snapshots; 0 turns them off (requests are still answered). */
      intervalMs: z.union([z.literal(0), z.number().int().min(2000).max(3_600_000)]).default(10_000),
    })
    .prefault({}),
  /** `/metrics` (Prometheus) and `/health` over HTTP; off when absent. Keep it on 127.0.0.1 unless a scraper needs it. */
  metrics: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      /** 0: any free port (tests). */
      port: z.number().int().min(0).max(65_535).default(9464),
    })
    .optional(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;

const FilePath = z.string().min(1);
const fileOr = <T extends z.ZodType>(inline: T, what: string) =>
  z.union([FilePath, inline], { error: `expected a path to a ${what} file (YAML or JSON) or the ${what} inline` });

/** What a config file holds: the camera and controller configurations may be paths to their own files. */
export const AgentConfigFile = AgentConfig.extend({
  camera: AgentConfig.shape.camera.extend({ config: fileOr(CameraConfig, "camera configuration") }),
  controller: fileOr(ControllerConfig, "controller configuration"),
});
export type AgentConfigFile = z.infer<typeof AgentConfigFile>;

const ROOT = "agent";

/**
 * Read an agent configuration file (YAML, or JSON by its `.json` name), with the files it names.
 * Relative paths are taken from the config file's folder. Throws a `ValidationError` whose one-line
 * message names the field: `agent.camera.source.url: expected an http:// or https:// URL`.
 */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  const absolute = resolve(path);
  const text = await readConfigText(absolute, ROOT);
  return resolveAgentConfig(parseConfigText(text, formatOf(absolute), ROOT), dirname(absolute));
}

/** Validate a configuration value, make its paths absolute against `baseDir`, and load the files it names. */
export async function resolveAgentConfig(value: unknown, baseDir: string): Promise<AgentConfig> {
  const file = parseConfig(AgentConfigFile, value, ROOT);
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));

  const source = file.camera.source.type === "folder" ? { ...file.camera.source, path: at(file.camera.source.path) } : file.camera.source;
  const background = file.camera.background === undefined ? undefined : await existingFile(at(file.camera.background), `${ROOT}.camera.background`);
  let model: ModelSettings = file.model;
  if (model.type === "detector") model = { ...model, path: await existingFile(at(model.path), `${ROOT}.model.path`) };
  else if (model.cacheDir !== undefined) model = { ...model, cacheDir: at(model.cacheDir) };

  const tls = file.broker.tls;
  const broker = tls
    ? {
        ...file.broker,
        tls: {
          ...(tls.caFile ? { caFile: await existingFile(at(tls.caFile), `${ROOT}.broker.tls.caFile`) } : {}),
          ...(tls.certFile ? { certFile: await existingFile(at(tls.certFile), `${ROOT}.broker.tls.certFile`) } : {}),
          ...(tls.keyFile ? { keyFile: await existingFile(at(tls.keyFile), `${ROOT}.broker.tls.keyFile`) } : {}),
        },
      }
    : file.broker;

  const config: AgentConfig = {
    ...file,
    broker,
    stateDir: at(file.stateDir),
    camera: {
      source,
      config: await documentOrInline(file.camera.config, CameraConfig, at, `${ROOT}.camera.config`, "camera"),
      ...(background === undefined ? {} : { background }),
    },
    model,
    controller: await documentOrInline(file.controller, ControllerConfig, at, `${ROOT}.controller`, "controller"),
  };
  const mismatches = approachMismatches(config.camera.config, config.controller, { camera: `${ROOT}.camera.config`, controller: `${ROOT}.controller` });
  if (mismatches.length > 0) throw new ValidationError(mismatches.join("; "));
  return config;
}

/** An inline document as it is, or the one in the named file, validated with errors that name that file. */
async function documentOrInline<T extends z.ZodType>(
  value: string | z.infer<T>,
  schema: T,
  at: (p: string) => string,
  field: string,
  root: string,
): Promise<z.infer<T>> {
  if (typeof value !== "string") return value;
  const path = at(value);
  const where = `${field} (${path})`;
  const text = await readConfigText(path, field);
  try {
    return parseConfig(schema, parseConfigText(text, formatOf(path), where), root);
  } catch (err) {
    if (err instanceof ValidationError && !err.message.startsWith(where)) throw new ValidationError(`${where}: ${err.message}`);
    throw err;
  }
}

async function existingFile(path: string, field: string): Promise<string> {
  try {
    await access(path);
    return path;
  } catch (err) {
    throw new ValidationError(`${field}: cannot read ${path} (${describeFsError(err)})`);
  }
}
