/**
 * The controller's two clocks, read together. `monoMs` is monotonic (performance.now() in the
 * agent): every duration — greens, yellows, clearances, walk, holds, plan validity, the hub's
 * silence — is measured on it, so a wall-clock step cannot shorten or freeze anything. `wallMs`
 * (ms since the epoch, which NTP, GPS or an operator may step) only stamps events and places the
 * plan's cycle grid and validity.
 */
export interface ClockReading {
  monoMs: number;
  wallMs: number;
}

/**
 * What the controller's methods take: a reading of both clocks, or one number where the two are
 * the same clock (a simulation in simulated time, a test).
 */
export type ControllerTime = number | ClockReading;

export function readingOf(t: ControllerTime): ClockReading {
  return typeof t === "number" ? { monoMs: t, wallMs: t } : t;
}

/** The field agent's clocks: performance.now() and Date.now(). */
export function systemControllerClock(): ClockReading {
  return { monoMs: performance.now(), wallMs: Date.now() };
}
