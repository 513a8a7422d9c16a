import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Document, isScalar, isSeq, parse as parseYaml, visit } from "yaml";
import { ValidationError } from "../../../protocol/index.js";
import { parseConfig } from "../../../common/config-file.js";
import { parseHubConfig, type HubConfig, type HubConfigInput } from "../../../hub/config.js";
import { SumoIntersectionConfig, type SumoIntersectionConfigInput } from "./schema.js";

export const HUB_FILE = "hub.yaml";
export const INTERSECTIONS_DIR = "intersections";

export interface LoadedConfigs {
  intersections: SumoIntersectionConfig[];
  hub: HubConfig;
}

const INTERSECTION_HEADER = `# Edge controller for one SUMO traffic light, generated from the net by traffic-sim --engine sumo.
# Edit freely: the next run with this --config-dir uses it as it is (checked by the controller's own schema).
# links: SUMO link indices each signal group drives; detectors: where the run places SUMO detectors.
`;
const HUB_HEADER = `# The hub for a SUMO co-simulation, generated from the net by traffic-sim --engine sumo.
# Edit freely (timing, cycles, corridor): the next run with this --config-dir uses it as it is.
`;

/** Write the generated configuration as YAML files an engineer can read and edit. */
export async function writeConfigs(dir: string, intersections: readonly SumoIntersectionConfigInput[], hub: HubConfigInput): Promise<void> {
  await mkdir(join(dir, INTERSECTIONS_DIR), { recursive: true });
  for (const x of intersections) {
    await writeFile(join(dir, INTERSECTIONS_DIR, `${x.intersectionId}.yaml`), INTERSECTION_HEADER + toYaml(x));
  }
  await writeFile(join(dir, HUB_FILE), HUB_HEADER + toYaml(hub));
}

/** Whether `dir` already holds a configuration (then it is used, not regenerated). */
export async function hasConfigs(dir: string): Promise<boolean> {
  try {
    await readFile(join(dir, HUB_FILE));
    return true;
  } catch {
    return false;
  }
}

/** Read the configuration back through the project's schemas; a bad field is named with its file. */
export async function loadConfigs(dir: string): Promise<LoadedConfigs> {
  const files = (await readdir(join(dir, INTERSECTIONS_DIR))).filter((f) => /\.ya?ml$/.test(f)).sort();
  const intersections: SumoIntersectionConfig[] = [];
  for (const f of files) {
    const path = join(dir, INTERSECTIONS_DIR, f);
    intersections.push(parseConfig(SumoIntersectionConfig, readYaml(await readFile(path, "utf8"), path), path));
  }
  const hubPath = join(dir, HUB_FILE);
  let hub: HubConfig;
  try {
    hub = parseHubConfig(readYaml(await readFile(hubPath, "utf8"), hubPath));
  } catch (err) {
    throw err instanceof ValidationError ? new ValidationError(`${hubPath}: ${err.message}`) : err;
  }
  const known = new Set(hub.intersections.map((x) => x.intersectionId));
  for (const x of intersections) {
    if (!known.has(x.intersectionId)) throw new ValidationError(`${hubPath}: no intersection "${x.intersectionId}" (from ${INTERSECTIONS_DIR}/${x.intersectionId}.yaml)`);
  }
  return { intersections, hub };
}

function readYaml(text: string, path: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    throw new ValidationError(`${path}: not YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }
}

/** YAML with lists of plain values on one line (`[0, 1, 2]`), so link and detector lists stay short. */
function toYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node) && node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
