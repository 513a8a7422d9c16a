// Shared by the hub's tests and benches (benches that use test support run from source through tsx, so none of it is in dist): what a
// controller publishes on `…/config`, and publishing it as retained state through the hub's broker.
import { controllerConfigHash, encodeMessage, type ControllerConfigMessage, type ControllerTiming } from "../../protocol/index.js";
import type { Hub } from "../hub.js";

/** Two phases as the API fixtures' controllers run them: 2 serves E and W (two lanes each), 4 serves N and S. */
export const TWO_PHASE_CONTROLLER: ControllerTiming = {
  phases: [
    { phase: 2, minGreenS: 10, maxGreenS: 60, yellowS: 4, redClearanceS: 2, omittable: false, approaches: [{ approachId: "E", lanes: 2, share: 1 }, { approachId: "W", lanes: 2, share: 1 }] },
    { phase: 4, minGreenS: 8, maxGreenS: 40, yellowS: 3.5, redClearanceS: 2, omittable: false, approaches: [{ approachId: "N", lanes: 1, share: 1 }, { approachId: "S", lanes: 1, share: 1 }] },
  ],
  coordinatedPhase: 2,
  planOperation: "coordinated",
};

/** The `…/config` message a controller with this timing publishes. */
export function controllerConfigMessage(intersectionId: string, controller: ControllerTiming = TWO_PHASE_CONTROLLER, ts = Date.now(), seq = 1): ControllerConfigMessage {
  return { ts, seq, intersectionId, version: 1, hash: controllerConfigHash(controller), controller };
}

/**
 * Publish each intersection's controller configuration, retained, through the hub's embedded
 * broker (as its agent would at connect), and wait until the hub has taken each in.
 */
export async function publishControllerConfigs(hub: Hub, region: string, intersectionIds: readonly string[], controller: ControllerTiming = TWO_PHASE_CONTROLLER): Promise<void> {
  const broker = hub.broker;
  if (broker === null) throw new Error("publishControllerConfigs: the hub has no embedded broker");
  for (const id of intersectionIds) {
    const { topic, body } = encodeMessage(region, "config", controllerConfigMessage(id, controller, hub.now()));
    await broker.local.publish(topic, body, { retain: true });
  }
  const deadline = Date.now() + 10_000;
  while (intersectionIds.some((id) => hub.planner.planningState(id)?.state === "no-controller-config")) {
    if (Date.now() > deadline) throw new Error("publishControllerConfigs: the hub did not take the configurations in within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
