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
  /** When each detector last turned on or off. */
  private readonly lastChangeMs = new Map<string, number>();

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
  }

  /** Record a detector change; false if the detector is unknown or already in that state. */
  set(detectorId: string, on: boolean, nowMs: number): boolean {
    const phaseIndexes = this.phasesOf.get(detectorId);
    if (phaseIndexes === undefined || this.occupied.has(detectorId) === on) return false;
    if (on) this.occupied.set(detectorId, nowMs);
    else this.occupied.delete(detectorId);
    this.lastChangeMs.set(detectorId, Math.max(this.lastChangeMs.get(detectorId) ?? Number.NEGATIVE_INFINITY, nowMs));
    if (on) for (const i of phaseIndexes) this.calls[i] = true;
    return true;
  }

  /** A call from outside the detectors (a pedestrian push-button), locked until the phase is served. */
  placeCall(phaseIndex: number): void {
    this.calls[phaseIndex] = true;
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
   * Whether the phase's green has gapped out (`sinceMs`: the green's start). A detector extends
   * the green while a vehicle moves over it (occupied for less than `stuckMs`, counted from the
   * green's start: one that sits there longer is not discharging, a permissive turn waiting for a
   * gap or a blocked exit), and for its passage time after its last change: its own
   * (`detectorPassageS`: a stop-line loop's short, an advance loop's its travel time to the stop
   * line) or the phase's `passageS`. `ownPassage` false: every detector uses `passageS`
   * (coordinated operation, where a green that gaps out early costs its traffic a whole cycle).
   */
  gappedOut(phaseIndex: number, sinceMs: number, nowMs: number, stuckMs: number, ownPassage: boolean): boolean {
    const phase = this.phases[phaseIndex];
    return phase.detectors.every((d) => {
      const onMs = this.occupied.get(d);
      if (onMs !== undefined && nowMs - Math.max(onMs, sinceMs) < stuckMs) return false;
      const passageMs = ((ownPassage ? phase.detectorPassageS?.[d] : undefined) ?? phase.passageS) * 1000;
      return nowMs - Math.max(this.lastChangeMs.get(d) ?? Number.NEGATIVE_INFINITY, sinceMs) >= passageMs;
    });
  }

  /** The phase's green has ended; a max-out keeps the call so the phase comes back. */
  served(phaseIndex: number, keepCall: boolean): void {
    this.calls[phaseIndex] = keepCall;
  }
}
