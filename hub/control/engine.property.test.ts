import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlanBody } from "../../protocol/index.js";
import { checkPlanAgainstRules } from "./check.js";
import { IntersectionTiming } from "./config.js";
import type { DemandState } from "./demand.js";
import { computeCorridorPlans, type ComputePlanInput } from "./engine.js";
import { cycleRangeS, splitRangeS } from "../../protocol/index.js";
import { T0 } from "./test-support/fixtures.js";

const halves = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min: min * 2, max: max * 2 }).map((n) => n / 2);

const phaseArb = fc.record({
  minGreenS: fc.integer({ min: 1, max: 20 }),
  extraGreenS: halves(0, 60),
  yellowS: halves(3, 6),
  redClearanceS: halves(0.5, 3),
  ped: fc.option(fc.record({ walkS: fc.integer({ min: 1, max: 10 }), clearanceS: fc.integer({ min: 1, max: 15 }) }), { nil: undefined }),
  lanes: fc.integer({ min: 1, max: 3 }),
  share: fc.double({ min: 0.1, max: 1, noNaN: true }),
});

/** A valid configuration built from random parts; approach i is served by phase i. */
const configArb = (intersectionId: string, corridorId: string | null) =>
  fc
    .record({
      phases: fc.array(phaseArb, { minLength: 2, maxLength: 6 }),
      policy: fc.constantFrom("webster" as const, "max-pressure" as const),
      minCycleS: fc.integer({ min: 20, max: 80 }),
      maxCycleS: fc.integer({ min: 60, max: 300 }),
      maxChangeS: fc.integer({ min: 1, max: 30 }),
      weight: fc.double({ min: 0.05, max: 1, noNaN: true }),
      extraLostS: fc.constantFrom(0, 0, 2),
      positionM: fc.integer({ min: 0, max: 5000 }),
      speedKmh: fc.integer({ min: 20, max: 80 }),
    })
    .map((r) => {
      const phases = r.phases.map((p, i) => {
        const effMin = Math.max(p.minGreenS, p.ped === undefined ? 0 : p.ped.walkS + p.ped.clearanceS);
        return {
          phase: i + 1,
          minGreenS: p.minGreenS,
          maxGreenS: effMin + 10 + p.extraGreenS,
          yellowS: p.yellowS,
          redClearanceS: p.redClearanceS,
          ...(p.ped === undefined ? {} : { pedWalkS: p.ped.walkS, pedClearanceS: p.ped.clearanceS }),
          approaches: [{ approachId: `a${i}`, lanes: p.lanes, share: p.share }],
        };
      });
      const range = cycleRangeS(phases);
      const maxCycleS = Math.min(300, Math.max(r.maxCycleS, Math.ceil(range.minS)));
      const minCycleS = Math.max(20, Math.min(r.minCycleS, maxCycleS, Math.floor(range.maxS)));
      const parsed = IntersectionTiming.safeParse({
        intersectionId,
        policy: r.policy,
        minCycleS,
        maxCycleS,
        extraLostTimePerPhaseS: r.extraLostS,
        phases,
        smoothing: { maxCycleChangeS: r.maxChangeS, weight: r.weight },
        ...(corridorId === null ? {} : { corridor: { id: corridorId, positionM: r.positionM, progressionSpeedKmh: r.speedKmh, mainPhase: 1 + (r.positionM % phases.length) } }),
      });
      return parsed.success ? parsed.data : null;
    })
    .filter((c): c is IntersectionTiming => c !== null);

const demandArb = fc.array(fc.record({ flow: fc.double({ min: 0, max: 2500, noNaN: true }), queue: fc.double({ min: 0, max: 60, noNaN: true }) }), { minLength: 6, maxLength: 6 }).map(
  (list): DemandState => ({
    approaches: Object.fromEntries(list.map((d, i) => [`a${i}`, { flowVehPerHour: d.flow, cycleFlowVehPerHour: d.flow, cycleFlowWeight: 1, queueVeh: d.queue, occupancy: 0, lastTs: T0 }])),
    lastTs: T0,
  }),
);

const exactPhases = (config: IntersectionTiming): boolean => config.phases.some((p) => splitRangeS(p).kind === "exact");

describe("every plan the engine makes", () => {
  it("passes the edge's rules, with whole-second splits adding up exactly to the cycle", () => {
    fc.assert(
      fc.property(
        fc.tuple(configArb("x1", "art"), configArb("x2", "art"), configArb("x3", null)),
        fc.array(fc.tuple(demandArb, demandArb, demandArb), { minLength: 1, maxLength: 4 }),
        (configs, steps) => {
          let previous: (PlanBody | null)[] = [null, null, null];
          steps.forEach((demands, step) => {
            const nowMs = T0 + step * 60_000;
            const inputs: ComputePlanInput[] = configs.map((config, i) => ({ config, demand: demands[i], previous: previous[i], nowMs }));
            const results = computeCorridorPlans(inputs);
            results.forEach(({ plan }, i) => {
              const config = configs[i];
              expect(checkPlanAgainstRules(config, plan)).toEqual({ ok: true });
              const sum = Object.values(plan.splitsS).reduce((s, x) => s + x, 0);
              expect(Math.abs(sum - plan.cycleS)).toBeLessThan(1e-9);
              expect(plan.offsetS).toBeLessThan(plan.cycleS);
              if (!exactPhases(config)) {
                expect(Object.values(plan.splitsS).every(Number.isInteger)).toBe(true);
                expect(plan.cycleS).toBeGreaterThanOrEqual(config.minCycleS);
                expect(plan.cycleS).toBeLessThanOrEqual(config.maxCycleS);
              }
              const before = previous[i];
              // Alone, a plan never moves the cycle by more than the smoothing allows.
              if (config.corridor === undefined && before !== null && before.cycleS >= config.minCycleS && before.cycleS <= config.maxCycleS && !exactPhases(config)) {
                expect(Math.abs(plan.cycleS - before.cycleS)).toBeLessThanOrEqual(config.smoothing.maxCycleChangeS);
              }
            });
            const coordinated = results.filter((r) => r.explanation.corridor?.coordinated === true);
            expect(new Set(coordinated.map((r) => r.plan.cycleS)).size).toBeLessThanOrEqual(1);
            previous = results.map((r) => r.plan);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
