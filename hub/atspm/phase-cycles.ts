import { HIRES } from "../../protocol/index.js";
import type { EventLog } from "./event-log.js";

/**
 * Each phase's served greens, paired from events 1, 4/5/6, 8, 9 (10) and 11, with ATSPM's
 * red-to-red cycle around each: the cycle of green i runs from the previous green's red (end of
 * yellow) to its own. A green whose events are incomplete (the controller went to flash, a
 * message was lost) is dropped; a cycle longer than `maxCycleS` gets no start (NaN), so the
 * measures that need whole cycles leave it out.
 */
export interface PhaseCycles {
  phase: number;
  greenMs: number[];
  yellowMs: number[];
  /** End of yellow: the red (clearance) begins. */
  redMs: number[];
  /** End of red clearance (event 11), NaN when not logged. */
  redClearanceEndMs: number[];
  /** 4 gap-out, 5 max-out, 6 force-off, 0 none logged. */
  termination: number[];
  /** The split programmed for the phase when the green began (events 134–149), NaN when unknown. */
  programmedSplitS: number[];
  /** Red-to-red cycle start, NaN when there is no previous red within `maxCycleS`. */
  cycleStartMs: number[];
}

interface OpenGreen {
  greenMs: number;
  yellowMs: number;
  termination: number;
  split: number;
}

const NONE = -1;

export function phaseCycles(log: EventLog, maxCycleS: number): Map<number, PhaseCycles> {
  const out = new Map<number, PhaseCycles>();
  const open = new Map<number, OpenGreen>();
  /** Greens whose red began but whose red clearance has not ended yet: phase → index in out. */
  const clearing = new Map<number, number>();
  const programmed: number[] = [];
  const maxCycleMs = maxCycleS * 1000;
  const { tsMs, code, param } = log;
  for (let i = 0; i < log.length; i++) {
    const c = code[i];
    const p = param[i];
    const t = tsMs[i];
    if (c >= HIRES.splitChangeFirst && c <= HIRES.splitChangeLast) {
      programmed[c - HIRES.splitChangeFirst + 1] = p;
      continue;
    }
    switch (c) {
      case HIRES.phaseBeginGreen:
        open.set(p, { greenMs: t, yellowMs: NONE, termination: 0, split: programmed[p] ?? Number.NaN });
        break;
      case HIRES.phaseGapOut:
      case HIRES.phaseMaxOut:
      case HIRES.phaseForceOff: {
        const g = open.get(p);
        if (g !== undefined) g.termination = c;
        break;
      }
      case HIRES.phaseBeginYellow: {
        const g = open.get(p);
        if (g !== undefined) g.yellowMs = t;
        break;
      }
      case HIRES.phaseEndYellow:
      case HIRES.phaseBeginRedClearance: {
        const g = open.get(p);
        if (g === undefined || g.yellowMs === NONE) break;
        open.delete(p);
        let pc = out.get(p);
        if (pc === undefined) {
          pc = { phase: p, greenMs: [], yellowMs: [], redMs: [], redClearanceEndMs: [], termination: [], programmedSplitS: [], cycleStartMs: [] };
          out.set(p, pc);
        }
        const prevRed = pc.redMs.length > 0 ? pc.redMs[pc.redMs.length - 1] : Number.NaN;
        pc.cycleStartMs.push(t - prevRed <= maxCycleMs && prevRed <= g.greenMs ? prevRed : Number.NaN);
        pc.greenMs.push(g.greenMs);
        pc.yellowMs.push(g.yellowMs);
        pc.redMs.push(t);
        pc.redClearanceEndMs.push(Number.NaN);
        pc.termination.push(g.termination);
        pc.programmedSplitS.push(g.split);
        clearing.set(p, pc.redMs.length - 1);
        break;
      }
      case HIRES.phaseEndRedClearance: {
        const k = clearing.get(p);
        const pc = out.get(p);
        if (k !== undefined && pc !== undefined) pc.redClearanceEndMs[k] = t;
        clearing.delete(p);
        break;
      }
    }
  }
  return out;
}

/** Where a time falls in a phase's cycles, walked forward by increasing time (one cursor per phase). */
export class CycleCursor {
  private k = 0;
  constructor(private readonly pc: PhaseCycles) {}

  /** Index of the whole cycle holding `t` (cycleStart ≤ t < red), or -1. Calls must not go back in time. */
  cycleAt(t: number): number {
    const red = this.pc.redMs;
    while (this.k < red.length && red[this.k] <= t) this.k++;
    if (this.k >= red.length) return -1;
    const start = this.pc.cycleStartMs[this.k];
    return start <= t ? this.k : -1;
  }
}
