import { z } from "zod";
import {
  checkPhaseTiming,
  cycleRangeS,
  formatPath,
  Id,
  parseOrThrow,
  PhaseApproach as ControllerPhaseApproach,
  PhaseNumber,
  PhaseTimingFields,
  type ControllerTiming,
} from "../../protocol/index.js";

/** One approach a phase serves (from the controller), and where its vehicles go next (the hub's network). */
export const PhaseApproach = ControllerPhaseApproach.extend({
  share: ControllerPhaseApproach.shape.share.default(1),
  /** Where this movement's vehicles go next, for max-pressure: the neighbour's approach they join. */
  downstream: z.object({ intersectionId: Id, approachId: Id }).optional(),
});
export type PhaseApproach = z.infer<typeof PhaseApproach>;

/** The opposing traffic a protected left's turns would yield to if the phase were left out (ITE's guideline, omission.ts). */
export const PermissiveOpposing = z.strictObject({ approachId: Id, opposingApproachId: Id, opposingLanes: z.number().int().min(1).max(8) });
export type PermissiveOpposing = z.infer<typeof PermissiveOpposing>;

/**
 * A phase as the timing engine plans it: the controller's phase (timing, omittable, approaches,
 * from its `…/config` message) joined with the hub's own settings for it (permissive-left
 * guideline, downstream links). Built by `timingFromController`; tests may write one directly.
 */
export const TimingPhase = z
  .object({
    ...PhaseTimingFields,
    /** The controller lets a plan leave this phase out (`omitPhases`). */
    omittable: z.boolean().default(false),
    /** Empty for a phase with no measured approach (a pedestrian-only phase): it gets its minimum. */
    approaches: z.array(PhaseApproach).max(16).default([]),
    /**
     * A protected-left phase whose turns may instead run permissive, yielding to the opposing
     * traffic in another phase (the controller must have it `omittable`). The hub leaves it
     * out of the plan while every approach's left-turn × opposing flow stays below the ITE
     * guideline for protected phasing (see omission.ts). Each entry pairs one of this phase's
     * approaches with the approach opposing its turns and that approach's through lanes.
     */
    permissive: z.object({ opposing: z.array(PermissiveOpposing).min(1).max(8) }).optional(),
  })
  .superRefine(checkPhaseTiming);
export type TimingPhase = z.infer<typeof TimingPhase>;

export const CorridorMembership = z.object({
  id: Id,
  /** Distance along the arterial; progression runs in the direction of increasing position. */
  positionM: z.number().min(0).max(1_000_000),
  /** Design speed of the link arriving at this intersection. */
  progressionSpeedKmh: z.number().min(5).max(130),
  /** The phase serving the arterial's through movement in the main direction (the controller's coordinated phase). */
  mainPhase: PhaseNumber,
});
export type CorridorMembership = z.infer<typeof CorridorMembership>;

export const Smoothing = z.object({
  /** Largest change of cycle from one plan to the next. */
  maxCycleChangeS: z.number().min(1).max(300).default(30),
  /**
   * Keep the running cycle while the target is within this fraction of it (SCATS-style hold). Every
   * cycle change moves the edge's offset grid and costs a transition cycle, so small moves are not
   * worth making. 0: follow the target every plan.
   */
  cycleHoldFraction: z.number().min(0).max(0.5).default(0.25),
  /** Weight of the new green shares against the previous plan's (1: no blending). */
  weight: z.number().min(0.05).max(1).default(0.4),
});
export type Smoothing = z.infer<typeof Smoothing>;

/** What the hub decides for an intersection, whatever its controller: policy, cycle bounds, flows, corridor. */
const HubTimingFields = {
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
  /**
   * What sets the cycle: `flow`, Webster on the counted flow ratios (a green used to the full shows
   * its capacity as flow, so a saturated intersection's cycle still grows); `flow-and-queue`, the
   * ratios with each measured queue counted as flow to clear within a cycle. The splits always
   * weigh the queues.
   */
  cycleFrom: z.enum(["flow", "flow-and-queue"]).default("flow"),
  corridor: CorridorMembership.optional(),
  smoothing: Smoothing.prefault({}),
  /** max-pressure only: a fixed cycle; Webster's cycle when absent. */
  maxPressureCycleS: z.number().int().min(20).max(300).optional(),
  planValidityS: z.number().min(10).max(86_400).default(300),
  /** How often the hub sends a fresh plan; well inside the validity, as a heartbeat. */
  planRefreshS: z.number().min(1).max(86_400).default(60),
};

export const IntersectionTiming = z
  .object({
    intersectionId: Id,
    ...HubTimingFields,
    /** Single ring, in running order: the controller's, joined with the hub's settings (`timingFromController`). */
    phases: z.array(TimingPhase).min(1).max(16),
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
      if (p.permissive !== undefined && !p.omittable) {
        ctx.addIssue({ code: "custom", path: ["phases", i, "permissive"], message: `phase ${p.phase} has a permissive-left guideline but the controller may not omit it (not omittable)` });
      }
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

/** A protected-left phase the hub may leave out while ITE's guideline allows its turns to run permissive. */
export const PermissiveLeft = z.strictObject({ phase: PhaseNumber, opposing: z.array(PermissiveOpposing).min(1).max(8) });
export type PermissiveLeft = z.infer<typeof PermissiveLeft>;

/** Where the vehicles of one phase's movement on one approach go next (max-pressure's downstream queue). */
export const DownstreamLink = z.strictObject({ phase: PhaseNumber, approachId: Id, to: z.strictObject({ intersectionId: Id, approachId: Id }) });
export type DownstreamLink = z.infer<typeof DownstreamLink>;

/**
 * The hub's own settings for an intersection (`intersections[].timing` in the hub's configuration):
 * only what is the hub's to decide. The phases, their timing, omittability and the approaches they
 * serve are the controller's: they arrive in its `…/config` message (docs/signal-control.md).
 */
export const HubTiming = z
  .strictObject({
    ...HubTimingFields,
    /** Protected lefts the hub may leave out (the controller must have them `omittable`), with the traffic their turns oppose. */
    permissiveLefts: z.array(PermissiveLeft).max(16).default([]),
    /** Downstream links for max-pressure; a movement without one sends its traffic out of the network. */
    downstream: z.array(DownstreamLink).max(64).default([]),
    phases: z
      .never({ error: "the controller owns its phases: the hub plans against those in its …/config message (docs/signal-control.md); remove them here" })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.minCycleS > c.maxCycleS) {
      ctx.addIssue({ code: "custom", path: ["minCycleS"], message: `min cycle ${c.minCycleS} s is above max cycle ${c.maxCycleS} s` });
    }
    if (c.planRefreshS >= c.planValidityS) {
      ctx.addIssue({
        code: "custom",
        path: ["planRefreshS"],
        message: `a plan refreshed every ${c.planRefreshS} s expires first (valid ${c.planValidityS} s); refresh well inside the validity`,
      });
    }
    const seen = new Set<number>();
    c.permissiveLefts.forEach((p, i) => {
      if (seen.has(p.phase)) ctx.addIssue({ code: "custom", path: ["permissiveLefts", i, "phase"], message: `phase ${p.phase} is listed twice` });
      seen.add(p.phase);
    });
  });
export type HubTiming = z.infer<typeof HubTiming>;
export type HubTimingInput = z.input<typeof HubTiming>;

export function parseHubTiming(value: unknown, root = "timing"): HubTiming {
  return parseOrThrow(HubTiming, value, root);
}

export type TimingFit = { ok: true; timing: IntersectionTiming } | { ok: false; problems: string[] };

/**
 * The timing the engine plans with: the controller's phases (from its `…/config`), joined with
 * the hub's settings. Where the two do not fit (a corridor main phase the controller does not have,
 * a permissive left it may not omit, cycle bounds its phases cannot fill…), the problems, each
 * naming the side and field, and no timing: the intersection gets no plan until one side changes.
 */
export function timingFromController(intersectionId: string, settings: HubTiming, controller: ControllerTiming): TimingFit {
  const problems: string[] = [];
  const sequence = controller.phases.map((p) => p.phase).join(", ");
  const phaseOf = (n: number): ControllerTiming["phases"][number] | undefined => controller.phases.find((p) => p.phase === n);
  settings.permissiveLefts.forEach((p, i) => {
    if (phaseOf(p.phase) === undefined) problems.push(`timing.permissiveLefts[${i}].phase: phase ${p.phase} is not in the controller's sequence (${sequence})`);
  });
  settings.downstream.forEach((d, i) => {
    const phase = phaseOf(d.phase);
    if (phase === undefined) problems.push(`timing.downstream[${i}].phase: phase ${d.phase} is not in the controller's sequence (${sequence})`);
    else if (!phase.approaches.some((a) => a.approachId === d.approachId)) {
      problems.push(`timing.downstream[${i}].approachId: the controller's phase ${d.phase} does not serve approach "${d.approachId}"`);
    }
  });
  const main = settings.corridor?.mainPhase;
  if (main !== undefined && controller.coordinatedPhase !== null && controller.coordinatedPhase !== main && phaseOf(main) !== undefined) {
    problems.push(`timing.corridor.mainPhase: phase ${main} is the corridor's main phase, but the controller coordinates phase ${controller.coordinatedPhase}: progression would not hold`);
  }
  const { permissiveLefts, downstream, phases: _none, ...hub } = settings;
  const input: IntersectionTimingInput = {
    ...hub,
    intersectionId,
    phases: controller.phases.map((p) => {
      const permissive = permissiveLefts.find((l) => l.phase === p.phase);
      return {
        ...p,
        approaches: p.approaches.map((a) => {
          const link = downstream.find((d) => d.phase === p.phase && d.approachId === a.approachId);
          return link ? { ...a, downstream: link.to } : a;
        }),
        ...(permissive ? { permissive: { opposing: permissive.opposing } } : {}),
      };
    }),
  };
  const result = IntersectionTiming.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [head, index, ...rest] = issue.path;
      const where =
        head === "phases" && typeof index === "number"
          ? `controller phase ${controller.phases[index]?.phase ?? index}${rest.length > 0 ? ` (${formatPath(rest)})` : ""}`
          : head === "phases"
            ? "controller phases"
            : `timing.${formatPath(issue.path)}`;
      problems.push(`${where}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, timing: result.data };
}
