import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { bundledScenarioDir } from "../traffic/load-scenario.js";

/** The folder of the bundled SUMO scenarios (simulators/sumo/scenarios/ in the package). */
export function sumoScenarioDir(): string {
  return join(dirname(bundledScenarioDir()), "sumo", "scenarios");
}

/** Names of the bundled SUMO scenarios: each a `<name>.net.xml` with its `<name>.rou.xml`. */
export async function sumoScenarioNames(): Promise<string[]> {
  const files = await readdir(sumoScenarioDir());
  return files.filter((f) => f.endsWith(".net.xml")).map((f) => f.replace(/\.net\.xml$/, "")).sort();
}

/** A bundled scenario's net and routes; throws naming the bundled ones when there is no such scenario. */
export async function bundledSumoScenario(name: string): Promise<{ net: string; routes: string[] }> {
  const dir = sumoScenarioDir();
  const net = join(dir, `${name}.net.xml`);
  const routes = join(dir, `${name}.rou.xml`);
  if (!existsSync(net) || !existsSync(routes)) throw new Error(`no bundled SUMO scenario "${name}" (bundled: ${(await sumoScenarioNames()).join(", ")}); or give --net and --routes`);
  return { net, routes: [routes] };
}
