import type { ControllerConfigInput } from "../config.js";

/**
 * A lagging protected left, as SUMO's arterial runs it: phase 1 the north–south through ("ns")
 * with its left permissive ("nsl"), phase 2 the left protected together with the east–west right
 * turn ("ewr": crosses the through, not the left), phase 3 east–west ("ew"). The left is green in
 * phases 1 and 2, so it stays green through the change between them; the through ends.
 */
export function laggingLeftConfig(overrides: Partial<ControllerConfigInput> = {}): ControllerConfigInput {
  return {
    signalGroups: [
      { id: "ns", kind: "vehicle" },
      { id: "nsl", kind: "vehicle" },
      { id: "ewr", kind: "vehicle" },
      { id: "ew", kind: "vehicle" },
    ],
    conflicts: [
      ["ns", "ewr"],
      ["ns", "ew"],
      ["nsl", "ew"],
    ],
    phases: [
      { phase: 1, groups: ["ns", "nsl"], minGreenS: 8, maxGreenS: 40, yellowS: 4, redClearanceS: 2 },
      { phase: 2, groups: ["nsl", "ewr"], minGreenS: 5, maxGreenS: 15, yellowS: 3, redClearanceS: 1.5 },
      { phase: 3, groups: ["ew"], minGreenS: 8, maxGreenS: 40, yellowS: 4, redClearanceS: 2 },
    ],
    fallback: { mode: "fixed", cycleS: 70, splitsS: { "1": 30, "2": 12.5, "3": 27.5 }, offsetS: 0 },
    remoteClearFault: true,
    ...overrides,
  };
}

