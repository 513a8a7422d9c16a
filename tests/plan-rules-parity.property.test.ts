/**
 * One set of plan rules, two call sites: the hub checks a plan before it sends it
 * (`checkPlanAgainstRules`, against the timing it built from the controller's `…/config`), the
 * edge checks it again before it applies it (`checkPlan`, against its own configuration). Random
 * controller configurations and random plans (valid ones, and ones broken in each way a plan can
 * break) go through both, from the same configuration as each side sees it: the hub's verdict and
 * the edge's must be the same, reason for reason. Change either side's rule and this fails.
 *
 * The seed is printed; rerun one with FC_SEED=<seed>.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxSplitS, minSplitS, type PlanBody } from "../protocol/index.js";
import { checkPlan, parseControllerConfig, publishedTimingOf, type ControllerConfig, type ControllerConfigInput } from "../edge/agent/controller/index.js";
import { checkPlanAgainstRules, parseHubTiming, timingFromController, type IntersectionTiming } from "../hub/control/index.js";

const T0 = Date.UTC(2025, 0, 6, 7, 0, 0);
const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = 400;

interface PhaseDraft {
  minGreenS: number;
  extraGreenS: number;
  yellowS: number;
  redClearanceS: number;
  ped: boolean;
  omittable: boolean;
  permissiveAtHub: boolean;
}

const phaseDraft: fc.Arbitrary<PhaseDraft> = fc.record({
  minGreenS: fc.integer({ min: 5, max: 30 }),
  extraGreenS: fc.integer({ min: 5, max: 60 }),
  yellowS: fc.constantFrom(3, 3.5, 4, 4.5, 5, 6),
  redClearanceS: fc.constantFrom(0.5, 1, 1.5, 2, 3),
  ped: fc.boolean(),
  omittable: fc.boolean(),
  permissiveAtHub: fc.boolean(),
});

/**
 * A valid controller configuration: 2–6 phases in a random order; an omittable phase's signal
 * group also runs in a phase that is not omittable (as a protected-permissive left does); maybe
 * a coordinated phase. Each phase serves one approach of its own.
 */
const controllerConfig: fc.Arbitrary<ControllerConfig> = fc
  .record({
    numbers: fc.shuffledSubarray([1, 2, 3, 4, 5, 6, 7, 8], { minLength: 2, maxLength: 6 }),
    drafts: fc.array(phaseDraft, { minLength: 6, maxLength: 6 }),
    coordinate: fc.boolean(),
  })
  .map(({ numbers, drafts, coordinate }) => {
    const phases = numbers.map((phase, i) => {
      const d = drafts[i]!;
      const maxGreenS = d.minGreenS + d.extraGreenS;
      const omittable = i > 0 && d.omittable;
      // An omittable phase's every group runs in another phase too: no crosswalk of its own.
      return { phase, d: { ...d, omittable, ped: !omittable && d.ped && maxGreenS >= 12 }, maxGreenS };
    });
    const host = phases[0]!;
    const input: ControllerConfigInput = {
      signalGroups: [
        ...phases.map((p) => ({ id: `g${p.phase}`, kind: "vehicle" as const })),
        ...phases.filter((p) => p.d.ped).map((p) => ({ id: `p${p.phase}`, kind: "pedestrian" as const })),
      ],
      conflicts: [],
      phases: phases.map((p) => ({
        phase: p.phase,
        groups: [
          `g${p.phase}`,
          ...(p === host ? phases.filter((q) => q.d.omittable).map((q) => `g${q.phase}`) : []),
          ...(p.d.ped ? [`p${p.phase}`] : []),
        ],
        minGreenS: p.d.minGreenS,
        maxGreenS: p.maxGreenS,
        yellowS: p.d.yellowS,
        redClearanceS: p.d.redClearanceS,
        ...(p.d.ped ? { pedWalkS: 5, pedClearanceS: 7 } : {}),
        omittable: p.d.omittable,
        approaches: [{ approachId: `a${p.phase}`, lanes: 1 }],
      })),
      fallback: { mode: "fixed", ...fallbackPlan(phases) },
      ...(coordinate ? { coordination: { phase: host.phase } } : {}),
    };
    return parseControllerConfig(input);
  });

/** Splits at each phase's minimum, stretched towards the maximum until the cycle is at least 20 s. */
function fallbackPlan(phases: { phase: number; d: PhaseDraft; maxGreenS: number }[]): { cycleS: number; splitsS: Record<string, number> } {
  const limits = phases.map((p) => ({ ...p.d, phase: p.phase, maxGreenS: p.maxGreenS, ...(p.d.ped ? { pedWalkS: 5, pedClearanceS: 7 } : {}) }));
  const lows = limits.map(minSplitS);
  const highs = limits.map(maxSplitS);
  const shortS = Math.max(0, 20 - lows.reduce((a, b) => a + b, 0));
  const roomS = highs.reduce((a, h, i) => a + h - lows[i]!, 0);
  const splits = lows.map((lo, i) => lo + (shortS * (highs[i]! - lo)) / roomS);
  return { cycleS: splits.reduce((a, b) => a + b, 0), splitsS: Object.fromEntries(phases.map((p, i) => [String(p.phase), splits[i]!])) };
}

/** The timing the hub plans against: the controller's published configuration, joined with hub settings that fit it. */
function hubTimingOf(config: ControllerConfig, permissive: ReadonlySet<number>): IntersectionTiming {
  const { controller } = publishedTimingOf(config);
  const settings = parseHubTiming({
    minCycleS: 20,
    maxCycleS: 300,
    permissiveLefts: config.phases
      .filter((p) => p.omittable && permissive.has(p.phase))
      .map((p) => ({ phase: p.phase, opposing: [{ approachId: `a${p.phase}`, opposingApproachId: "opposite", opposingLanes: 1 }] })),
  });
  const fit = timingFromController("x", settings, controller);
  if (!fit.ok) throw new Error(`hub settings do not fit the generated controller: ${fit.problems.join("; ")}`);
  return fit.timing;
}

type Breakage =
  | { kind: "none" }
  | { kind: "drop"; at: number }
  | { kind: "unknown-phase"; phase: number; splitS: number }
  | { kind: "nudge"; at: number; byS: number }
  | { kind: "cycle"; byS: number }
  | { kind: "omit-any"; at: number; keepSplit: boolean }
  | { kind: "offset"; offsetS: number };

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.constant<Breakage>({ kind: "none" }),
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat(5) }),
  fc.record({ kind: fc.constant("unknown-phase" as const), phase: fc.integer({ min: 1, max: 16 }), splitS: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("nudge" as const), at: fc.nat(5), byS: fc.constantFrom(-3, -1, -0.5, -0.05, 0.05, 0.5, 1, 3, 20) }),
  fc.record({ kind: fc.constant("cycle" as const), byS: fc.constantFrom(-2, -0.15, -0.1, -0.05, 0.05, 0.1, 0.11, 0.2, 2) }),
  fc.record({ kind: fc.constant("omit-any" as const), at: fc.nat(5), keepSplit: fc.boolean() }),
  fc.record({ kind: fc.constant("offset" as const), offsetS: fc.integer({ min: 0, max: 300 }) }),
);

/** A plan that keeps every rule (splits somewhere in each phase's range, some omittable phases left out), then maybe broken one way. */
function planFor(config: ControllerConfig, positions: readonly number[], omit: readonly boolean[], broken: Breakage): PlanBody {
  const phases = config.phases;
  const omitPhases = phases.filter((p, i) => p.omittable && omit[i]).map((p) => p.phase);
  const splitsS: Record<string, number> = {};
  phases.forEach((p, i) => {
    if (omitPhases.includes(p.phase)) return;
    splitsS[String(p.phase)] = Math.round((minSplitS(p) + positions[i]! * (maxSplitS(p) - minSplitS(p))) * 10) / 10;
  });
  let cycleS = Math.round(Object.values(splitsS).reduce((a, b) => a + b, 0) * 10) / 10;
  let offsetS = 0;
  const keys = Object.keys(splitsS);
  switch (broken.kind) {
    case "none":
      break;
    case "drop":
      delete splitsS[keys[broken.at % keys.length]!];
      break;
    case "unknown-phase":
      splitsS[String(broken.phase)] = broken.splitS;
      break;
    case "nudge": {
      const key = keys[broken.at % keys.length]!;
      splitsS[key] = Math.max(0.1, splitsS[key]! + broken.byS);
      break;
    }
    case "cycle":
      cycleS = Math.round((cycleS + broken.byS) * 100) / 100;
      break;
    case "omit-any": {
      const phase = phases[broken.at % phases.length]!;
      if (!omitPhases.includes(phase.phase)) omitPhases.push(phase.phase);
      if (!broken.keepSplit) delete splitsS[String(phase.phase)];
      break;
    }
    case "offset":
      offsetS = broken.offsetS;
      break;
  }
  return {
    planId: "parity",
    cycleS: Math.min(300, Math.max(20, cycleS)),
    offsetS,
    splitsS,
    validUntil: T0 + 60_000,
    reason: "parity test",
    ...(omitPhases.length > 0 ? { omitPhases } : {}),
  };
}

describe("plan rules: one implementation, the same verdict at the hub and at the edge", () => {
  it("gives the same verdict and reasons at both call sites for random configurations and plans", () => {
    console.log(`plan-rules parity: fast-check seed ${SEED} (rerun with FC_SEED=${SEED})`);
    const seen = { accepted: 0, rejected: 0, omitted: 0 };
    fc.assert(
      fc.property(
        controllerConfig,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        breakage,
        (config, positions, omit, permissive, broken) => {
          const timing = hubTimingOf(config, new Set(config.phases.filter((_, i) => permissive[i]).map((p) => p.phase)));
          const plan = planFor(config, positions, omit, broken);
          const atHub = checkPlanAgainstRules(timing, plan);
          const atEdge = checkPlan(config, plan, T0);
          expect(atEdge.ok).toBe(atHub.ok);
          if (!atHub.ok && !atEdge.ok) expect(atEdge.reason).toBe(atHub.errors.join("; ").slice(0, 1000));
          if (atHub.ok) seen.accepted++;
          else seen.rejected++;
          if (atHub.ok && (plan.omitPhases?.length ?? 0) > 0) seen.omitted++;
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // Not vacuous: both verdicts, and plans that leave phases out, came up.
    expect(seen.accepted).toBeGreaterThan(RUNS / 10);
    expect(seen.rejected).toBeGreaterThan(RUNS / 10);
    expect(seen.omitted).toBeGreaterThan(0);
  });
});
