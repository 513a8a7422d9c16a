import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfigText } from "../../common/config-file.js";
import { ValidationError } from "../../protocol/index.js";
import { parseScenario, type Scenario } from "./scenario.js";

const BARE_NAME = /^[A-Za-z0-9_-]+$/;

let bundledDir: string | undefined;

/**
 * The folder of bundled scenarios. Compiled code runs from dist/simulators/… while the YAML stays
 * in simulators/scenarios/, so walk up to the package root rather than trust this module's place.
 */
export function bundledScenarioDir(): string {
  if (bundledDir !== undefined) return bundledDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) {
      bundledDir = join(dir, "simulators", "scenarios");
      return bundledDir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}: cannot find the bundled scenarios`);
    dir = parent;
  }
}

/** Names of the bundled scenarios (`single`, `corridor`, `grid`, …). */
export async function bundledScenarioNames(): Promise<string[]> {
  const files = await readdir(bundledScenarioDir());
  return files.filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, "")).sort();
}

/** Parse scenario text (YAML, which JSON also is); `source` names the file in errors. */
export function parseScenarioText(text: string, source: string): Scenario {
  // YAML whatever the name: JSON is YAML too.
  const value = parseConfigText(text, "yaml", source);
  try {
    return parseScenario(value);
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(`${source}: ${err.message}`);
    throw err;
  }
}

/**
 * Load a scenario: a bare name (`single`, `corridor`, `grid`) means a bundled file; anything else
 * is a path to a YAML or JSON file.
 */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const bundled = BARE_NAME.test(nameOrPath);
  const path = bundled ? join(bundledScenarioDir(), `${nameOrPath}.yaml`) : resolve(nameOrPath);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = err instanceof Error && "code" in err ? err.code : undefined;
    if (code !== "ENOENT") throw err;
    const hint = bundled ? ` (bundled scenarios: ${(await bundledScenarioNames()).join(", ")})` : "";
    throw new Error(`scenario ${JSON.stringify(nameOrPath)}: no file ${path}${hint}`);
  }
  return parseScenarioText(text, path);
}
