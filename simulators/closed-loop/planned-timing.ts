import { parseControllerConfig, publishedTimingOf } from "../../edge/agent/controller/index.js";
import { parseHubTiming, timingFromController, type IntersectionTiming } from "../../hub/control/index.js";
import type { Scenario, ScenarioIntersection } from "../traffic/scenario.js";
import { controllerConfigOf } from "./intersection-control.js";
import { hubTimingOf } from "./intersection-timing.js";

/**
 * The timing the hub plans a scenario intersection with, made as the hub makes it: the phases
 * its controller publishes (`…/config`), joined with the hub's own settings. For offline tools
 * that plan without a hub (the engineer's fixed plans).
 */
export function plannedTimingOf(scenario: Scenario, x: ScenarioIntersection, options: { corridorId?: string } = {}): IntersectionTiming {
  const { controller } = publishedTimingOf(parseControllerConfig(controllerConfigOf(x, { fallback: "fixed" })));
  const fit = timingFromController(x.id, parseHubTiming(hubTimingOf(scenario, x, options)), controller);
  if (!fit.ok) throw new Error(`scenario ${scenario.name}, intersection ${x.id}: the hub's settings do not fit its controller: ${fit.problems.join("; ")}`);
  return fit.timing;
}
