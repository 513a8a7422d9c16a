/**
 * The hub's clock in simulated time: the simulation sets it, step by step, before the step's
 * messages go out; it never goes back. No device's `ts` moves it, so none can move the time
 * the others are planned at, and device `ts` is checked against it as against a wall clock.
 */
export class SimulatedClock {
  private ms: number;

  constructor(startMs: number) {
    this.ms = startMs;
  }

  readonly now = (): number => this.ms;

  set(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}
