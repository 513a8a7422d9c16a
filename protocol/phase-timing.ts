import { z } from "zod";

/** NEMA phase numbers 1–16, written as strings where they key an object. */
export const PhaseNumber = z.number().int().min(1).max(16);

/**
 * The timing limits of one phase, as both the edge controller and the hub's timing engine read
 * them: one definition, so the hub can never compute a plan with bounds the edge would reject.
 */
export const PhaseTimingFields = {
  phase: PhaseNumber,
  minGreenS: z.number().min(1).max(120),
  maxGreenS: z.number().min(1).max(300),
  /** ITE change interval; MMUs latch on yellows below 2.7 s, so 3 s is the floor. */
  yellowS: z.number().min(3).max(6),
  redClearanceS: z.number().min(0.5).max(6),
  pedWalkS: z.number().min(1).max(60).optional(),
  /** Flashing don't walk, timed inside the green so it ends before the yellow. */
  pedClearanceS: z.number().min(1).max(60).optional(),
};

type PhaseTimingShape = { minGreenS: number; maxGreenS: number; pedWalkS?: number | undefined; pedClearanceS?: number | undefined };

/** The checks every phase's timing must pass, wherever it is configured. */
export function checkPhaseTiming(p: PhaseTimingShape, ctx: z.RefinementCtx): void {
  if (p.maxGreenS < p.minGreenS) {
    ctx.addIssue({ code: "custom", path: ["maxGreenS"], message: `max green ${p.maxGreenS} s is below min green ${p.minGreenS} s` });
  }
  if ((p.pedWalkS === undefined) !== (p.pedClearanceS === undefined)) {
    ctx.addIssue({ code: "custom", path: ["pedClearanceS"], message: "pedWalkS and pedClearanceS go together: set both or neither" });
  }
  const pedS = (p.pedWalkS ?? 0) + (p.pedClearanceS ?? 0);
  if (pedS > p.maxGreenS) {
    ctx.addIssue({ code: "custom", path: ["pedWalkS"], message: `walk + pedestrian clearance (${pedS} s) does not fit in max green ${p.maxGreenS} s` });
  }
}
