import type { NetPhase } from "../net/read-net.js";
import type { TlsLayout } from "../net/tls-layout.js";
import type { SumoIntersectionConfig } from "./schema.js";

/**
 * The net's own program with another set of change intervals: each green phase's following
 * yellow and all-red timed as a controller configuration times them. SUMO's own logics run on
 * it are then a baseline on the same change intervals as the project's controllers (the
 * bundled and game nets' programs have no all-red; the generated configuration keeps ITE's).
 * Pure.
 */

/** The yellow and red clearance after one green phase. */
export interface ChangeInterval {
  yellowS: number;
  redClearanceS: number;
}

/** A program phase as SUMO reads it; `change` marks a yellow or all-red phase (never actuated). */
export interface TlsPhaseSpec {
  duration: number;
  state: string;
  minDur?: number;
  maxDur?: number;
  change: boolean;
}

export interface TlsProgramSpec {
  id: string;
  type: string;
  programID: string;
  offset: number;
  phase: TlsPhaseSpec[];
}

const GREEN = /[Gg]/;
const YELLOW = /[yY]/;

/**
 * The change intervals of a light's configuration, one per green phase of the net's program
 * (controller phase k + 1 is the program's k-th green phase, as the generator writes it).
 */
export function changeIntervalsOf(config: Pick<SumoIntersectionConfig, "tlsId" | "controller">, layout: TlsLayout): ChangeInterval[] {
  const phases = [...config.controller.phases].sort((a, b) => a.phase - b.phase);
  if (phases.length !== layout.phases.length || phases.some((p, k) => p.phase !== k + 1)) {
    throw new Error(`traffic light "${config.tlsId}": the configuration's phases (${phases.map((p) => p.phase).join(", ")}) are not the net program's ${layout.phases.length} green phases in order`);
  }
  return phases.map((p) => ({ yellowS: p.yellowS, redClearanceS: p.redClearanceS }));
}

/**
 * The all-red after a yellow: every yellow link red; a link that stays green through the change
 * shows 'G' once nothing it gives way to is green any more (as the controllers show it).
 */
function allRedOf(layout: TlsLayout, yellowState: string): string {
  const red = [...yellowState.replace(/[yY]/g, "r")];
  return red.map((c, i) => (c === "g" && !(layout.yields[i] ?? []).some((j) => GREEN.test(red[j] ?? "")) ? "G" : c)).join("");
}

/** Whole steps, rounded up: what a controller ticking at `stepS` shows for an interval. */
function shownS(s: number, stepS: number): number {
  return Number((Math.ceil(s / stepS - 1e-9) * stepS).toFixed(3));
}

/**
 * The program with each change after a green phase retimed: its yellow phases scaled to the
 * interval's yellow, then its all-red phases scaled to the red clearance, or, where it has none,
 * one added: the last yellow's state with every yellow turned red (links that stay green through
 * the change, a left carried into its protected phase, stay as they are). Durations are shown in
 * whole steps, rounded up, as the controllers show them. A change with no yellow (nothing ends)
 * is kept as it is.
 */
export function withChangeIntervals(layout: TlsLayout, changes: readonly ChangeInterval[], stepS: number): TlsProgramSpec {
  const program = layout.program;
  const n = program.phase.length;
  if (changes.length !== layout.phases.length) throw new Error(`traffic light "${layout.tlsId}": ${changes.length} change intervals for ${layout.phases.length} green phases`);
  const isGreen = (state: string): boolean => GREEN.test(state) && !YELLOW.test(state);
  const out: TlsPhaseSpec[] = [];
  // A program that starts with a change phase (the game corridor's) starts with it again: the
  // last change's phases from before the first green go back to the front, so the offset holds.
  const first = Math.min(...layout.phases.flatMap((p) => p.programPhases));
  let leading = 0;
  layout.phases.forEach((green, k) => {
    for (const i of green.programPhases) {
      const p = program.phase[i]!;
      out.push({ duration: p.duration, state: p.state, ...(p.minDur !== undefined ? { minDur: p.minDur } : {}), ...(p.maxDur !== undefined ? { maxDur: p.maxDur } : {}), change: false });
    }
    const segment: NetPhase[] = [];
    for (let j = Math.max(...green.programPhases) + 1; j < Math.max(...green.programPhases) + n; j++) {
      const q = program.phase[j % n]!;
      if (isGreen(q.state)) break;
      segment.push(q);
    }
    const yellows = segment.filter((q) => YELLOW.test(q.state));
    if (yellows.length === 0) {
      for (const q of segment) {
        out.push({ duration: q.duration, state: q.state, change: true });
        if (program.phase.indexOf(q) < first) leading++;
      }
      return;
    }
    const reds = segment.filter((q) => !YELLOW.test(q.state));
    const { yellowS, redClearanceS } = changes[k]!;
    const scaled = (list: typeof segment, totalS: number): void => {
      const sum = list.reduce((a, q) => a + q.duration, 0);
      for (const q of list) {
        out.push({ duration: shownS(sum > 0 ? (q.duration * totalS) / sum : totalS / list.length, stepS), state: q.state, change: true });
        if (program.phase.indexOf(q) < first) leading++;
      }
    };
    scaled(yellows, yellowS);
    if (redClearanceS <= 0) return;
    if (reds.length > 0) scaled(reds, redClearanceS);
    else out.push({ duration: shownS(redClearanceS, stepS), state: allRedOf(layout, yellows.at(-1)!.state), change: true });
  });
  const phase = leading > 0 ? [...out.slice(out.length - leading), ...out.slice(0, out.length - leading)] : out;
  return { id: program.id, type: program.type, programID: program.programID, offset: program.offset, phase };
}
