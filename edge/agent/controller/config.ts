import { z } from "zod";
import { checkPhaseTiming, Id, parseOrThrow, PhaseApproach, PhaseTimingFields, splitIssues } from "../../../protocol/index.js";

/** "1".."16": a phase number keying an object, as in the protocol's plans. */
const PhaseKey = z.string().regex(/^([1-9]|1[0-6])$/, "expected a phase number 1–16");

export const SignalGroupConfig = z.object({
  id: Id,
  kind: z.enum(["vehicle", "pedestrian"]),
});
export type SignalGroupConfig = z.infer<typeof SignalGroupConfig>;

export const PhaseConfig = z
  .object({
    ...PhaseTimingFields,
    /** Signal groups that get the right of way (green, or walk) in this phase. */
    groups: z.array(Id).min(1).max(16),
    /** Detectors whose calls serve this phase in actuated operation. */
    detectors: z.array(Id).max(32).default([]),
    /** Gap time: each actuation extends the green by this much. */
    passageS: z.number().min(0.5).max(10).default(3),
    /**
     * Passage time per detector, for those that should not use `passageS` (NEMA's per-detector
     * extend): an advance loop's travel time to the stop line, so its vehicle's extension hands
     * over to the stop-line loop as it arrives; a stop-line loop's short (0: only while a moving
     * vehicle is on it), so the green ends soon after the queue has discharged.
     */
    detectorPassageS: z.record(Id, z.number().min(0).max(10)).optional(),
    /**
     * Area detectors over this phase's approach lanes (a camera's view of the approach, a SUMO
     * lane-area detector), each reporting the vehicles within its range with their delay there and
     * time to the stop line. Their vehicles call the phase; in free operation (the actuated
     * fallback, actuated hub plans) they replace the loops' gap-out: the green, after its minimum,
     * lasts until every vehicle delayed more than `areaMinDelayS` can have reached the stop line,
     * and then ends once another phase has demand (SUMO's delay_based logic); max green, or the
     * plan's split, still ends it. Coordinated operation keeps the loops' gap-out.
     */
    areaDetectors: z.array(Id).max(32).default([]),
    /**
     * A hub plan may leave this phase out (`omitPhases`). Only for a phase whose every signal group
     * another phase also serves, so nothing loses its right of way: a protected left whose turns
     * then run permissive with the through traffic. The local fallback always runs every phase.
     */
    omittable: z.boolean().default(false),
    /**
     * The approaches (camera approach ids) whose traffic this phase serves, with its lanes and the
     * share of each approach's measured flow it carries: what the hub plans splits from. Published
     * to the hub with the timing (`…/config`); empty for a phase with no measured approach.
     */
    approaches: z.array(PhaseApproach.extend({ share: PhaseApproach.shape.share.default(1) })).max(16).default([]),
  })
  .superRefine(checkPhaseTiming);
export type PhaseConfig = z.infer<typeof PhaseConfig>;

export const FallbackConfig = z
  .object({
    /** fixed: the splits as a fixed-time plan; actuated: free-running on detector calls (cycle and offset unused). */
    mode: z.enum(["fixed", "actuated"]),
    cycleS: z.number().min(20).max(300),
    splitsS: z.record(PhaseKey, z.number().positive().max(300)),
    offsetS: z.number().nonnegative().max(300).default(0),
  })
  .refine((f) => f.offsetS < f.cycleS, { message: "offsetS must be less than cycleS", path: ["offsetS"] });
export type FallbackConfig = z.infer<typeof FallbackConfig>;

export const ControllerLimits = z.object({
  /** A plan valid for longer than this after receipt is rejected. */
  maxPlanValidityS: z.number().min(10).max(86_400).default(900),
  /** A plan (or command) whose `ts` is further than this from the controller's wall clock is rejected. */
  maxClockSkewS: z.number().min(1).max(86_400).default(120),
  /**
   * Like NTCIP's unitBackupTime: the local plan takes over this long after the last good plan
   * arrived, whatever `validUntil` the plan claims. Keep it above the hub's plan refresh period.
   */
  backupTimeS: z.number().min(10).max(86_400).default(300),
  /** A hold ends after this long when its `durationS` is missing or larger. */
  maxHoldS: z.number().min(1).max(86_400).default(900),
});
export type ControllerLimits = z.infer<typeof ControllerLimits>;

export const ControllerConfig = z
  .object({
    signalGroups: z.array(SignalGroupConfig).min(1).max(64),
    /** Pairs that must never have the right of way together. Explicit, never derived from the phases. */
    conflicts: z.array(z.tuple([Id, Id])).max(2016),
    /** Single ring, in running order. */
    phases: z.array(PhaseConfig).min(1).max(16),
    fallback: FallbackConfig,
    /**
     * Hub plans run coordinated-actuated (NEMA coordination) around this phase: it ends at its
     * fixed force-off point in the cycle, so offsets hold, while the other phases gap out once their
     * traffic has gone and hand the time they leave to it. Without it, hub plans run fixed-time.
     */
    coordination: z.object({ phase: z.number().int().min(1).max(16) }).optional(),
    /**
     * How hub plans run. coordinated: as `coordination` says (fixed-time without it). actuated: no
     * cycle grid (nothing to progress with): every phase gaps out, phases without a call are
     * skipped, each green is bounded by its split's green (the plan's bounds, never above max
     * green), and a phase nobody else wants rests in green. `coordination` is then not used.
     */
    planOperation: z.enum(["coordinated", "actuated"]).default("coordinated"),
    /**
     * A vehicle on a phase's area detector (`areaDetectors`) with more delay than this within the
     * area is one its green must serve (SUMO's delay_based `minTimeLoss`, 1 s): vehicles arriving
     * unimpeded do not hold a green.
     */
    areaMinDelayS: z.number().min(0).max(60).default(1),
    /** New plans take effect only at a cycle boundary; the one mode offered. */
    transitionMode: z.literal("cycle-boundary").default("cycle-boundary"),
    /** All-red shown at start-up and when leaving flash; defaults to the longest red clearance. */
    startupAllRedS: z.number().min(0.5).max(30).optional(),
    /** Bounds on what the hub and operators may ask for; every duration is measured on the monotonic clock. */
    limits: ControllerLimits.prefault({}),
    /**
     * Whether an operator may clear a latched conflict fault remotely (`clear-fault`). Off by
     * default: as a cabinet MMU needs a reset on site, a field controller's fault is cleared by a
     * technician (`traffic-edge clear-fault`); simulators turn it on.
     */
    remoteClearFault: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const kinds = new Map<string, SignalGroupConfig["kind"]>();
    c.signalGroups.forEach((g, i) => {
      if (kinds.has(g.id)) ctx.addIssue({ code: "custom", path: ["signalGroups", i, "id"], message: `signal group "${g.id}" is defined twice` });
      kinds.set(g.id, g.kind);
    });
    const conflicting = new Set<string>();
    c.conflicts.forEach(([a, b], i) => {
      for (const [j, id] of [a, b].entries()) {
        if (!kinds.has(id)) ctx.addIssue({ code: "custom", path: ["conflicts", i, j], message: `unknown signal group "${id}"` });
      }
      if (a === b) ctx.addIssue({ code: "custom", path: ["conflicts", i], message: `signal group "${a}" cannot conflict with itself` });
      conflicting.add(pairKey(a, b));
    });
    const numbers = new Set<number>();
    const served = new Set<string>();
    c.phases.forEach((p, i) => {
      if (numbers.has(p.phase)) ctx.addIssue({ code: "custom", path: ["phases", i, "phase"], message: `phase ${p.phase} appears twice in the sequence` });
      numbers.add(p.phase);
      let pedestrians = 0;
      p.groups.forEach((id, j) => {
        const kind = kinds.get(id);
        if (kind === undefined) ctx.addIssue({ code: "custom", path: ["phases", i, "groups", j], message: `unknown signal group "${id}"` });
        if (kind === "pedestrian") pedestrians++;
        served.add(id);
        for (const other of p.groups.slice(0, j)) {
          if (other === id) ctx.addIssue({ code: "custom", path: ["phases", i, "groups", j], message: `signal group "${id}" is listed twice` });
          else if (conflicting.has(pairKey(id, other))) {
            ctx.addIssue({
              code: "custom",
              path: ["phases", i, "groups", j],
              message: `signal groups "${other}" and "${id}" conflict and cannot have the right of way together in phase ${p.phase}`,
            });
          }
        }
      });
      for (const [j, id] of p.areaDetectors.entries()) {
        if (p.detectors.includes(id)) ctx.addIssue({ code: "custom", path: ["phases", i, "areaDetectors", j], message: `detector "${id}" is both a loop and an area detector of phase ${p.phase}` });
      }
      for (const id of Object.keys(p.detectorPassageS ?? {})) {
        if (!p.detectors.includes(id)) ctx.addIssue({ code: "custom", path: ["phases", i, "detectorPassageS", id], message: `detector "${id}" is not one of phase ${p.phase}'s detectors` });
      }
      if (pedestrians > 0 && p.pedWalkS === undefined) {
        ctx.addIssue({ code: "custom", path: ["phases", i, "pedWalkS"], message: `phase ${p.phase} serves pedestrians and needs pedWalkS and pedClearanceS` });
      }
      if (pedestrians === 0 && p.pedWalkS !== undefined) {
        ctx.addIssue({ code: "custom", path: ["phases", i, "pedWalkS"], message: `phase ${p.phase} has pedestrian timing but no pedestrian signal group` });
      }
    });
    c.phases.forEach((p, i) => {
      if (!p.omittable) return;
      const elsewhere = new Set(c.phases.filter((q) => q !== p).flatMap((q) => q.groups));
      const alone = p.groups.filter((g) => !elsewhere.has(g));
      if (alone.length > 0) {
        ctx.addIssue({ code: "custom", path: ["phases", i, "omittable"], message: `phase ${p.phase} cannot be omittable: no other phase serves ${alone.map((g) => `"${g}"`).join(", ")}` });
      }
      if (c.coordination?.phase === p.phase) {
        ctx.addIssue({ code: "custom", path: ["phases", i, "omittable"], message: `phase ${p.phase} is the coordinated phase and cannot be omittable` });
      }
    });
    if (c.phases.every((p) => p.omittable)) {
      ctx.addIssue({ code: "custom", path: ["phases"], message: "at least one phase must not be omittable" });
    }
    if (c.coordination !== undefined && !numbers.has(c.coordination.phase)) {
      ctx.addIssue({ code: "custom", path: ["coordination", "phase"], message: `coordinated phase ${c.coordination.phase} is not in the sequence` });
    }
    c.signalGroups.forEach((g, i) => {
      if (!served.has(g.id)) ctx.addIssue({ code: "custom", path: ["signalGroups", i], message: `signal group "${g.id}" is not served by any phase` });
    });
    for (const issue of splitIssues(c.phases, c.fallback.splitsS, c.fallback.cycleS)) {
      ctx.addIssue({ code: "custom", path: ["fallback", ...issue.path], message: issue.message });
    }
    const maxRedS = Math.max(...c.phases.map((p) => p.redClearanceS));
    if (c.startupAllRedS !== undefined && c.startupAllRedS < maxRedS) {
      ctx.addIssue({ code: "custom", path: ["startupAllRedS"], message: `start-up all-red ${c.startupAllRedS} s is shorter than the longest red clearance ${maxRedS} s` });
    }
  });
export type ControllerConfig = z.infer<typeof ControllerConfig>;
/** What a caller writes: defaults may be left out. */
export type ControllerConfigInput = z.input<typeof ControllerConfig>;

/** Validate a controller configuration; the error names every bad field (`config.phases[1].yellowS: ...`). */
export function parseControllerConfig(value: unknown): ControllerConfig {
  return parseOrThrow(ControllerConfig, value, "config");
}

/** Order-free key of a pair of signal group ids. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

export function startupAllRedS(config: ControllerConfig): number {
  return config.startupAllRedS ?? Math.max(...config.phases.map((p) => p.redClearanceS));
}
