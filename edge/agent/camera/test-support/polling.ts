import type { CameraFrame, CameraSource } from "../camera-source.js";
import { systemClock, type Clock } from "../clock.js";

/** Polls until `condition` holds; throws with `what` after `timeoutMs` (generous: for slow machines). */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Iterates a source in the background; `done` rejects if `frames()` ever throws. */
export function collect(source: CameraSource, signal: AbortSignal): { frames: CameraFrame[]; done: Promise<void> } {
  const frames: CameraFrame[] = [];
  const done = (async () => {
    for await (const frame of source.frames(signal)) frames.push(frame);
  })();
  return { frames, done };
}

/** The real clock, recording every sleep it is asked for: the retry delays, when pacing never waits. */
export function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => systemClock.now(),
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return systemClock.sleep(ms, signal);
    },
  };
}

/** A clock that moves only when slept on or advanced: rates checked without real time passing. */
export function virtualClock(startMs = 1_700_000_000_000): Clock & { advance(ms: number): void; sleeps: number[] } {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
  };
}
