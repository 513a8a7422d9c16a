import { HIRES, type HiResEvent } from "../../../protocol/index.js";
import type { z } from "zod";

export type HiRes = z.infer<typeof HiResEvent>;

/** Indiana code 23, pedestrian begin solid don't walk; the protocol's HIRES table stops at 22. */
export const PED_BEGIN_DONT_WALK = 23;

export function hires(code: number, param: number, nowMs: number): HiRes {
  return { type: "hires", ts: stampOf(nowMs), code, param };
}

/** An event's `ts` from the wall clock: whole ms, within what the protocol accepts however wrong the clock is. */
export function stampOf(wallMs: number): number {
  return Math.min(8.64e15, Math.max(0, Math.floor(wallMs)));
}

/** Event 131, 132 and one 134.. per phase: what ATSPM needs to know a new pattern started. */
export function patternEvents(patternNumber: number, cycleS: number, splitsS: Readonly<Record<string, number>>, nowMs: number): HiRes[] {
  const events = [hires(HIRES.patternChange, patternNumber, nowMs), hires(HIRES.cycleLengthChange, Math.round(cycleS), nowMs)];
  for (const [key, splitS] of Object.entries(splitsS)) {
    const code = HIRES.splitChangeFirst + Number(key) - 1;
    if (code <= HIRES.splitChangeLast) events.push(hires(code, Math.round(splitS), nowMs));
  }
  return events;
}
