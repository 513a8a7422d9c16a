import type { PhaseConfig } from "./config.js";

/** A vehicle an area detector sees: its delay so far within the area, and its time to the stop line at the approach speed. */
export interface AreaVehicle {
  delayS: number;
  toStopLineS: number;
}

/** No report holds a green longer than this from its time: a bad value cannot stall the phase (max green bounds it anyway). */
const MAX_TO_STOP_LINE_S = 60;

/**
 * Detector state for actuated operation: which detectors are occupied, which phases have a
 * waiting call (locked until served), and when each phase last saw an actuation (for the gap);
 * and each area detector's delayed vehicles (a camera's view of the approach).
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
  /** Area detectors: vehicles on each now, and until when its delayed vehicles hold a green (monotonic ms). */
  private readonly areas = new Map<string, { vehicles: number; heldUntilMs: number }>();

  constructor(
    private readonly phases: readonly PhaseConfig[],
    /** A vehicle on an area detector with more delay than this is one the green must serve. */
    private readonly minDelayS = 1,
  ) {
    phases.forEach((p, index) => {
      for (const id of p.detectors) {
        if (!this.channels.has(id)) this.channels.set(id, this.channels.size + 1);
        const list = this.phasesOf.get(id) ?? [];
        if (!list.includes(index)) list.push(index);
        this.phasesOf.set(id, list);
      }
      for (const id of p.areaDetectors) this.areas.set(id, { vehicles: 0, heldUntilMs: Number.NEGATIVE_INFINITY });
    });
    this.calls = phases.map(() => false);
  }

  /**
   * An area detector's vehicles now (a camera's view of the approach); false if the detector is
   * unknown. Each vehicle delayed more than `minDelayS` holds the area until it can have reached
   * the stop line (its time to it at the approach's speed, from now): a later report never
   * shortens that (as SUMO's delay_based logic commits to each prolongation).
   */
  setArea(detectorId: string, vehicles: readonly AreaVehicle[], nowMs: number): boolean {
    const area = this.areas.get(detectorId);
    if (area === undefined) return false;
    area.vehicles = vehicles.length;
    for (const v of vehicles) {
      // A bad number (NaN, infinite) holds nothing: the green is then the loops' or its minimum.
      if (!(v.delayS > this.minDelayS) || !Number.isFinite(v.toStopLineS) || v.toStopLineS <= 0) continue;
      area.heldUntilMs = Math.max(area.heldUntilMs, nowMs + Math.min(v.toStopLineS, MAX_TO_STOP_LINE_S) * 1000);
    }
    return true;
  }

  /** A delayed vehicle on one of the phase's area detectors has not yet reached the stop line. */
  hasDelayed(phaseIndex: number, nowMs: number): boolean {
    return this.phases[phaseIndex].areaDetectors.some((d) => (this.areas.get(d)?.heldUntilMs ?? Number.NEGATIVE_INFINITY) > nowMs);
  }

  /** The phase's green is extended from its area detectors (free operation): it has some. */
  extendsByArea(phaseIndex: number): boolean {
    return this.phases[phaseIndex].areaDetectors.length > 0;
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
    return this.phases[phaseIndex].detectors.length > 0 || this.phases[phaseIndex].areaDetectors.length > 0;
  }

  /** A locked call, or a vehicle on one of the phase's loops or areas. */
  hasCall(phaseIndex: number): boolean {
    return this.calls[phaseIndex] || this.isOccupied(phaseIndex);
  }

  /** A vehicle waiting now, on one of the phase's loops, or approaching on one of its areas. */
  isOccupied(phaseIndex: number): boolean {
    return this.phases[phaseIndex].detectors.some((d) => this.occupied.has(d)) || this.phases[phaseIndex].areaDetectors.some((d) => (this.areas.get(d)?.vehicles ?? 0) > 0);
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
