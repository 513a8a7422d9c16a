import { z } from "zod";
import { checkPhaseTiming, Id, parseOrThrow, PhaseNumber, PhaseTimingFields } from "../../protocol/index.js";
import { cycleRangeS } from "./phase-limits.js";

/** One approach a phase serves, and how much of its measured flow the phase carries. */
export const PhaseApproach = z.object({
  approachId: Id,
  /** Lanes the phase's movement uses on this approach; fractions allow a shared lane. */
  lanes: z.number().positive().max(16),
  /** Share (0–1) of the approach's measured flow this phase serves (a through phase of a shared approach, say). */
  share: z.number().min(0).max(1).default(1),
  /** Where this movement's vehicles go next, for max-pressure: the neighbour's approach they join. */
  downstream: z.object({ intersectionId: Id, approachId: Id }).optional(),
});
export type PhaseApproach = z.infer<typeof PhaseApproach>;

/** Bounds match the edge controller's own configuration, so a valid hub config never yields a plan the edge rejects. */
export const TimingPhase = z
  .object({
    ...PhaseTimingFields,
    /** Empty for a phase with no measured approach (a pedestrian-only phase): it gets its minimum. */
    approaches: z.array(PhaseApproach).max(16).default([]),
    /**
     * A protected-left phase whose turns may instead run permissive, yielding to the opposing
     * traffic in another phase (the edge controller must have it `omittable`). The hub leaves it
     * out of the plan while every approach's left-turn × opposing flow stays below the ITE
     * guideline for protected phasing (see omission.ts). Each entry pairs one of this phase's
     * approaches with the approach opposing its turns and that approach's through lanes.
     */
    permissive: z
      .object({ opposing: z.array(z.object({ approachId: Id, opposingApproachId: Id, opposingLanes: z.number().int().min(1).max(8) })).min(1).max(8) })
      .optional(),
  })
  .superRefine(checkPhaseTiming);
export type TimingPhase = z.infer<typeof TimingPhase>;

export const CorridorMembership = z.object({
  id: Id,
  /** Distance along the arterial; progression runs in the direction of increasing position. */
  positionM: z.number().min(0).max(1_000_000),
  /** Design speed of the link arriving at this intersection. */
  progressionSpeedKmh: z.number().min(5).max(130),
  /** The phase serving the arterial's through movement in the main direction. */
  mainPhase: PhaseNumber,
});
export type CorridorMembership = z.infer<typeof CorridorMembership>;

export const Smoothing = z.object({
  /** Largest change of cycle from one plan to the next. */
  maxCycleChangeS: z.number().min(1).max(300).default(10),
  /** Weight of the new green shares against the previous plan's (1: no blending). */
  weight: z.number().min(0.05).max(1).default(0.4),
});
export type Smoothing = z.infer<typeof Smoothing>;

export const IntersectionTiming = z
  .object({
    intersectionId: Id,
    policy: z.enum(["webster", "max-pressure"]).default("webster"),
    minCycleS: z.number().int().min(20).max(300).default(40),
    maxCycleS: z.number().int().min(20).max(300).default(150),
    saturationFlowVehPerHourPerLane: z.number().min(600).max(3000).default(1800),
    /**
     * Lost time per phase beyond yellow + red clearance. HCM's start-up lost time (~2 s) and its
     * extension of effective green into the yellow (~2 s) cancel, so the default is 0.
     */
    extraLostTimePerPhaseS: z.number().min(0).max(10).default(0),
    /** Sum of critical ratios (queue included) from which the intersection counts as oversaturated. */
    oversaturationY: z.number().min(0.5).max(0.99).default(0.9),
    /** Single ring, in running order. */
    phases: z.array(TimingPhase).min(1).max(16),
    corridor: CorridorMembership.optional(),
    smoothing: Smoothing.prefault({}),
    /** max-pressure only: a fixed cycle; Webster's cycle when absent. */
    maxPressureCycleS: z.number().int().min(20).max(300).optional(),
    planValidityS: z.number().min(10).max(86_400).default(300),
    /** How often the hub sends a fresh plan; well inside the validity, as a heartbeat. */
    planRefreshS: z.number().min(1).max(86_400).default(60),
  })
  .superRefine((c, ctx) => {
    if (c.minCycleS > c.maxCycleS) {
      ctx.addIssue({ code: "custom", path: ["minCycleS"], message: `min cycle ${c.minCycleS} s is above max cycle ${c.maxCycleS} s` });
    }
    const seen = new Set<number>();
    c.phases.forEach((p, i) => {
      if (seen.has(p.phase)) ctx.addIssue({ code: "custom", path: ["phases", i, "phase"], message: `phase ${p.phase} appears twice in the sequence` });
      seen.add(p.phase);
    });
    const range = cycleRangeS(c.phases);
    if (range.minS > c.maxCycleS) {
      ctx.addIssue({
        code: "custom",
        path: ["maxCycleS"],
        message: `the phases' minimum splits (whole seconds) add up to ${range.minS} s, above max cycle ${c.maxCycleS} s`,
      });
    }
    if (range.maxS < c.minCycleS) {
      ctx.addIssue({
        code: "custom",
        path: ["minCycleS"],
        message: `the phases' maximum splits (whole seconds) add up to ${range.maxS} s, below min cycle ${c.minCycleS} s`,
      });
    }
    if (c.maxPressureCycleS !== undefined && (c.maxPressureCycleS < range.minS || c.maxPressureCycleS > range.maxS)) {
      ctx.addIssue({
        code: "custom",
        path: ["maxPressureCycleS"],
        message: `expected a cycle the phases can fill, ${range.minS}–${range.maxS} s, got ${c.maxPressureCycleS} s`,
      });
    }
    c.phases.forEach((p, i) => {
      const served = new Set(p.approaches.map((a) => a.approachId));
      p.permissive?.opposing.forEach((o, j) => {
        if (!served.has(o.approachId)) {
          ctx.addIssue({ code: "custom", path: ["phases", i, "permissive", "opposing", j, "approachId"], message: `phase ${p.phase} does not serve approach "${o.approachId}"` });
        }
      });
      if (p.permissive !== undefined && c.corridor?.mainPhase === p.phase) {
        ctx.addIssue({ code: "custom", path: ["phases", i, "permissive"], message: `phase ${p.phase} is the corridor's main phase and cannot be left out` });
      }
    });
    if (c.phases.every((p) => p.permissive !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["phases"], message: "at least one phase must not be permissive (omittable)" });
    }
    if (c.corridor !== undefined && !seen.has(c.corridor.mainPhase)) {
      ctx.addIssue({
        code: "custom",
        path: ["corridor", "mainPhase"],
        message: `phase ${c.corridor.mainPhase} is not in the sequence (${c.phases.map((p) => p.phase).join(", ")})`,
      });
    }
    if (c.planRefreshS >= c.planValidityS) {
      ctx.addIssue({
        code: "custom",
        path: ["planRefreshS"],
        message: `a plan refreshed every ${c.planRefreshS} s expires first (valid ${c.planValidityS} s); refresh well inside the validity`,
      });
    }
  });
export type IntersectionTiming = z.infer<typeof IntersectionTiming>;
/** What a caller writes: defaults may be left out. */
export type IntersectionTimingInput = z.input<typeof IntersectionTiming>;

/** Validate an intersection's timing configuration; the error names every bad field (`timing.phases[1].yellowS: ...`). */
export function parseIntersectionTiming(value: unknown, root = "timing"): IntersectionTiming {
  return parseOrThrow(IntersectionTiming, value, root);
}
