import { HIRES, type ControllerEvent } from "../../protocol/index.js";

/** Why a green ended, from the event logged for the phase just before its yellow. */
export type GreenTermination = "gap-out" | "max-out" | "force-off";

/** One served phase green: what ATSPM's split monitor plots. */
export interface PhaseGreen {
  phase: number;
  startMs: number;
  endMs: number;
  /** Null when the controller logged no termination (the green was cut short by flash, say). */
  termination: GreenTermination | null;
}

const TERMINATIONS = new Map<number, GreenTermination>([
  [HIRES.phaseGapOut, "gap-out"],
  [HIRES.phaseMaxOut, "max-out"],
  [HIRES.phaseForceOff, "force-off"],
]);

/**
 * Pairs each phase's begin-green (event 1) with its begin-yellow (event 8) across an
 * intersection's event messages, which may split a green between them. Keeps one open green per
 * phase and at most `maxIntersections` intersections (the least recently heard goes first).
 */
export class PhaseGreenTracker {
  private readonly open = new Map<string, Map<number, { startMs: number; termination: GreenTermination | null }>>();

  constructor(private readonly maxIntersections = 100_000) {}

  /** The greens that ended in `events` (in the order the controller logged them). */
  take(intersectionId: string, events: readonly ControllerEvent[]): PhaseGreen[] {
    let phases = this.open.get(intersectionId);
    if (phases === undefined) {
      phases = new Map();
      if (this.open.size >= this.maxIntersections) {
        const oldest = this.open.keys().next();
        if (!oldest.done) this.open.delete(oldest.value);
      }
    } else {
      this.open.delete(intersectionId);
    }
    this.open.set(intersectionId, phases);
    const ended: PhaseGreen[] = [];
    for (const e of events) {
      if (e.type !== "hires") continue;
      if (e.code === HIRES.phaseBeginGreen) {
        phases.set(e.param, { startMs: e.ts, termination: null });
        continue;
      }
      const green = phases.get(e.param);
      if (green === undefined) continue;
      const termination = TERMINATIONS.get(e.code);
      if (termination !== undefined) green.termination = termination;
      else if (e.code === HIRES.phaseBeginYellow) {
        phases.delete(e.param);
        if (e.ts >= green.startMs) ended.push({ phase: e.param, startMs: green.startMs, endMs: e.ts, termination: green.termination });
      }
    }
    return ended;
  }
}
