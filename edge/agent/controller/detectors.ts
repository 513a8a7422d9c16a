import type { PhaseConfig } from "./config.js";

/**
 * Detector state for actuated operation: which detectors are occupied, which phases have a
 * waiting call (locked until served), and when each phase last saw an actuation (for the gap).
 */
export class DetectorBank {
  /** Detector id → its channel number (1-based, in order of first mention), used as the event param. */
  readonly channels = new Map<string, number>();
  private readonly phasesOf = new Map<string, number[]>();
  /** Occupied detectors and when each turned on. */
  private readonly occupied = new Map<string, number>();
  private readonly calls: boolean[];
  private readonly lastActuationMs: number[];

  constructor(private readonly phases: readonly PhaseConfig[]) {
    phases.forEach((p, index) => {
      for (const id of p.detectors) {
        if (!this.channels.has(id)) this.channels.set(id, this.channels.size + 1);
        const list = this.phasesOf.get(id) ?? [];
        if (!list.includes(index)) list.push(index);
        this.phasesOf.set(id, list);
      }
    });
    this.calls = phases.map(() => false);
    this.lastActuationMs = phases.map(() => Number.NEGATIVE_INFINITY);
  }

  /** Record a detector change; false if the detector is unknown or already in that state. */
  set(detectorId: string, on: boolean, nowMs: number): boolean {
    const phaseIndexes = this.phasesOf.get(detectorId);
    if (phaseIndexes === undefined || this.occupied.has(detectorId) === on) return false;
    if (on) this.occupied.set(detectorId, nowMs);
    else this.occupied.delete(detectorId);
    for (const i of phaseIndexes) {
      if (on) this.calls[i] = true;
      this.lastActuationMs[i] = Math.max(this.lastActuationMs[i], nowMs);
    }
    return true;
  }

  hasDetectors(phaseIndex: number): boolean {
    return this.phases[phaseIndex].detectors.length > 0;
  }

  /** A locked call, or a vehicle sitting on one of the phase's detectors. */
  hasCall(phaseIndex: number): boolean {
    return this.calls[phaseIndex] || this.isOccupied(phaseIndex);
  }

  isOccupied(phaseIndex: number): boolean {
    return this.phases[phaseIndex].detectors.some((d) => this.occupied.has(d));
  }

  /**
   * A detector of the phase is occupied by a vehicle that has been on it, counted from `sinceMs`
   * (the green's start), for less than `stuckMs`: a vehicle moving over it. One that sits there
   * longer is not discharging (a permissive turn waiting for a gap, a blocked exit) and does not
   * extend the green.
   */
  isOccupiedByMoving(phaseIndex: number, sinceMs: number, nowMs: number, stuckMs: number): boolean {
    return this.phases[phaseIndex].detectors.some((d) => {
      const onMs = this.occupied.get(d);
      return onMs !== undefined && nowMs - Math.max(onMs, sinceMs) < stuckMs;
    });
  }

  lastActuationAtMs(phaseIndex: number): number {
    return this.lastActuationMs[phaseIndex];
  }

  /** The phase's green has ended; a max-out keeps the call so the phase comes back. */
  served(phaseIndex: number, keepCall: boolean): void {
    this.calls[phaseIndex] = keepCall;
  }
}
