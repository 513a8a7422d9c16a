import type { ControllerConfigInput } from "../config.js";

/**
 * A four-phase single-ring intersection: protected lefts (1, 3) and throughs with parallel
 * crosswalks (2, 4). Phase 2 is the main street and has no detectors (it always comes up).
 */
export function fourPhaseConfig(overrides: Partial<ControllerConfigInput> = {}): ControllerConfigInput {
  return {
    signalGroups: [
      { id: "nsl", kind: "vehicle" },
      { id: "ns", kind: "vehicle" },
      { id: "ped-ns", kind: "pedestrian" },
      { id: "ewl", kind: "vehicle" },
      { id: "ew", kind: "vehicle" },
      { id: "ped-ew", kind: "pedestrian" },
    ],
    conflicts: [
      ["ns", "ew"],
      ["ns", "ewl"],
      ["ns", "nsl"],
      ["ew", "ewl"],
      ["ew", "nsl"],
      ["nsl", "ewl"],
      ["ped-ns", "ew"],
      ["ped-ns", "ewl"],
      ["ped-ns", "nsl"],
      ["ped-ew", "ns"],
      ["ped-ew", "nsl"],
      ["ped-ew", "ewl"],
    ],
    phases: [
      { phase: 1, groups: ["nsl"], minGreenS: 5, maxGreenS: 15, yellowS: 3, redClearanceS: 1, detectors: ["d-nsl"] },
      { phase: 2, groups: ["ns", "ped-ns"], minGreenS: 10, maxGreenS: 40, yellowS: 4, redClearanceS: 2, pedWalkS: 7, pedClearanceS: 10 },
      { phase: 3, groups: ["ewl"], minGreenS: 5, maxGreenS: 15, yellowS: 3, redClearanceS: 1, detectors: ["d-ewl"], passageS: 2 },
      {
        phase: 4,
        groups: ["ew", "ped-ew"],
        minGreenS: 8,
        maxGreenS: 30,
        yellowS: 4,
        redClearanceS: 1.5,
        pedWalkS: 5,
        pedClearanceS: 8,
        detectors: ["d-ew"],
      },
    ],
    fallback: { mode: "fixed", cycleS: 90, splitsS: { "1": 12, "2": 40, "3": 12, "4": 26 }, offsetS: 0 },
    // The tests exercise clear-fault; a field controller's default is off.
    remoteClearFault: true,
    // Tests that run one plan for an hour; the safety tests set the defaults (15 min, 5 min) back.
    limits: { maxPlanValidityS: 7200, backupTimeS: 7200 },
    ...overrides,
  };
}

/**
 * The four-phase intersection with protected-permissive lefts: "nsl" also runs (permissive, yielding
 * to the opposing through traffic) in phase 2 and "ewl" in phase 4, so phases 1 and 3 are omittable.
 */
export function permissiveLeftsConfig(overrides: Partial<ControllerConfigInput> = {}): ControllerConfigInput {
  const base = fourPhaseConfig();
  const permissive = new Set(["ns|nsl", "ped-ns|nsl", "ew|ewl", "ped-ew|ewl"]);
  const alsoRuns: Record<number, string> = { 2: "nsl", 4: "ewl" };
  return {
    ...base,
    conflicts: base.conflicts.filter(([a, b]) => !permissive.has(`${a}|${b}`)),
    phases: base.phases.map((p) => {
      const extra = alsoRuns[p.phase];
      return extra ? { ...p, groups: [p.groups[0]!, extra, ...p.groups.slice(1)] } : { ...p, omittable: true };
    }),
    ...overrides,
  };
}

/** A plan the four-phase intersection accepts: greens 8, 40, 8, 24.5 s in a 100 s cycle. */
export function validPlan(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    planId: "am-peak",
    cycleS: 100,
    offsetS: 0,
    splitsS: { "1": 12, "2": 46, "3": 12, "4": 30 },
    validUntil: nowMs + 600_000,
    reason: "webster: demand up on ns",
    ...overrides,
  };
}

/** Epoch-like start so offsets and ISO dates look real. */
export const T0 = Date.UTC(2025, 0, 6, 7, 0, 0);

/** Green range, yellow and red clearance of each phase of the four-phase fixture (`fourPhaseConfig`). */
export const FOUR_PHASE_LIMITS = [
  { phase: 1, minS: 5, maxS: 15, changeS: 4 },
  { phase: 2, minS: 17, maxS: 40, changeS: 6 },
  { phase: 3, minS: 5, maxS: 15, changeS: 4 },
  { phase: 4, minS: 13, maxS: 30, changeS: 5.5 },
] as const;

/** Rounded to 0.1 s, as plans' splits are. */
export const tenths = (x: number): number => Math.round(x * 10) / 10;
