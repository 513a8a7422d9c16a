import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { formatIssues, formatPath, ValidationError } from "../protocol/index.js";
import { unknownKeys } from "./unknown-keys.js";

/**
 * The one way the hub, the edge agent and the simulators read a configuration: a file's text,
 * YAML or JSON by its extension, checked against one zod schema in which every object is strict,
 * with errors that name the file's root and the field (`hub.broker.devices[2].intersectionId: …`,
 * `hub.api: unknown key "tokenz"`).
 */

export type ConfigFormat = "json" | "yaml";

export function formatOf(path: string): ConfigFormat {
  return extname(path).toLowerCase() === ".json" ? "json" : "yaml";
}

/** Validate a configuration value: unknown keys first (each named), then the schema. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  const unknown = unknownKeys(schema, value);
  if (unknown.length > 0) {
    const lines = unknown.slice(0, 5).map((u) => `${u.path.length === 0 ? root : `${root}.${formatPath(u.path)}`}: unknown key "${u.key}"`);
    throw new ValidationError(lines.join("; ") + (unknown.length > 5 ? `; (+${unknown.length - 5} more)` : ""));
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues(root, result.error));
  return result.data;
}

/** YAML or JSON text to a value; malformed text is one line that says where (`where`: the file, or the field naming it). */
export function parseConfigText(text: string, format: ConfigFormat, where: string): unknown {
  try {
    return format === "json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, logLevel: "error", uniqueKeys: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const firstLine = message.split("\n").find((l) => l.trim() !== "") ?? "unreadable";
    throw new ValidationError(`${where}: invalid ${format.toUpperCase()}: ${firstLine.trim().replace(/:$/, "")}`);
  }
}

/** A file's text, or a ValidationError saying why it cannot be read (`field`: what names the file). */
export async function readConfigText(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new ValidationError(`${field}: cannot read ${path} (${describeFsError(err)})`);
  }
}

/** Read, parse and validate a configuration file; every error starts with the file's path. */
export async function loadConfigFile<S extends z.ZodType>(path: string, schema: S, root: string): Promise<z.infer<S>> {
  const text = await readConfigText(path, path);
  const value = parseConfigText(text, formatOf(path), path);
  try {
    return parseConfig(schema, value, root);
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(`${path}: ${err.message}`);
    throw err;
  }
}

export function describeFsError(err: unknown): string {
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return err instanceof Error ? err.message : String(err);
}
