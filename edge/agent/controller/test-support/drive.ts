import type { ControllerEvent } from "../../../../protocol/index.js";
import type { ControllerCore, ControllerSignal } from "../controller.js";

export interface Stepped {
  nowMs: number;
  events: ControllerEvent[];
  state: ControllerSignal;
}

/** Tick every `stepMs` until `until` holds (checked after each tick) or `limitMs` passes; throws on the limit. */
export function tickUntil(
  core: ControllerCore,
  fromMs: number,
  until: (s: ControllerSignal, events: readonly ControllerEvent[]) => boolean,
  { stepMs = 100, limitMs = 600_000 }: { stepMs?: number; limitMs?: number } = {},
): Stepped {
  const events: ControllerEvent[] = [];
  for (let t = fromMs; t <= fromMs + limitMs; t += stepMs) {
    const result = core.tick(t);
    events.push(...result.events);
    const state = core.state();
    if (until(state, result.events)) return { nowMs: t, events, state };
  }
  throw new Error(`condition not reached within ${limitMs} ms of ${fromMs}`);
}

export function hiresCodes(events: readonly ControllerEvent[], code: number): number[] {
  return events.flatMap((e) => (e.type === "hires" && e.code === code ? [e.param] : []));
}
