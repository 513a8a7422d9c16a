import { HIRES } from "../../protocol/index.js";
import { groupEntry, travelTimeMs, type AtspmDetector, type Grouped } from "./detectors.js";
import type { EventLog } from "./event-log.js";

/**
 * Per detector group: the advance detectors' on-events shifted to the stop bar (sorted), i.e.
 * each vehicle's arrival as ATSPM estimates it.
 */
export function arrivalsByGroup(log: EventLog, table: readonly (AtspmDetector | undefined)[]): Grouped<Float64Array> {
  const lists: Grouped<number[]> = new Map();
  const shift = table.map((d) => (d === undefined ? 0 : travelTimeMs(d)));
  const { tsMs, code, param } = log;
  for (let i = 0; i < log.length; i++) {
    if (code[i] !== HIRES.detectorOn) continue;
    const d = table[param[i]];
    if (d === undefined || d.kind !== "advance") continue;
    groupEntry(lists, d, () => []).push(tsMs[i] + shift[param[i]]);
  }
  const out: Grouped<Float64Array> = new Map();
  // Detectors at different distances interleave once shifted; a typed-array sort is cheap.
  for (const [key, g] of lists) out.set(key, { ...g, value: Float64Array.from(g.value).sort() });
  return out;
}

/** Per detector group: stop-bar on-events (actuations), in time order. */
export function stopBarActuations(log: EventLog, table: readonly (AtspmDetector | undefined)[]): Grouped<number[]> {
  const out: Grouped<number[]> = new Map();
  const { tsMs, code, param } = log;
  for (let i = 0; i < log.length; i++) {
    if (code[i] !== HIRES.detectorOn) continue;
    const d = table[param[i]];
    if (d === undefined || d.kind !== "stop-bar") continue;
    groupEntry(out, d, () => []).push(tsMs[i]);
  }
  return out;
}

/**
 * Per detector group: occupancy of its stop-bar detectors taken together (occupied while any is on), as
 * change points with the occupied time accumulated up to each, so the occupied time in any
 * window is two look-ups.
 */
export class PhaseOccupancy {
  readonly changeMs: number[] = [];
  /** Occupied ms from the first change up to changeMs[i]. */
  readonly cumulativeMs: number[] = [];
  readonly occupiedAfter: boolean[] = [];
  private k = 0;

  /** Occupied ms in [0, t]; calls must come with non-decreasing t. */
  occupiedUntil(t: number): number {
    const ch = this.changeMs;
    while (this.k + 1 < ch.length && ch[this.k + 1] <= t) this.k++;
    if (ch.length === 0 || ch[this.k] > t) return 0;
    return this.cumulativeMs[this.k] + (this.occupiedAfter[this.k] ? t - ch[this.k] : 0);
  }
}

export function stopBarOccupancy(log: EventLog, table: readonly (AtspmDetector | undefined)[]): Grouped<PhaseOccupancy> {
  const out: Grouped<PhaseOccupancy> = new Map();
  const onCount = new Map<PhaseOccupancy, number>();
  const on: boolean[] = [];
  const { tsMs, code, param } = log;
  for (let i = 0; i < log.length; i++) {
    const c = code[i];
    if (c !== HIRES.detectorOn && c !== HIRES.detectorOff) continue;
    const ch = param[i];
    const d = table[ch];
    if (d === undefined || d.kind !== "stop-bar") continue;
    const isOn = c === HIRES.detectorOn;
    if ((on[ch] ?? false) === isOn) continue; // repeated on (or off) changes nothing
    on[ch] = isOn;
    const occ = groupEntry(out, d, () => new PhaseOccupancy());
    const before = onCount.get(occ) ?? 0;
    const after = before + (isOn ? 1 : -1);
    onCount.set(occ, after);
    if ((before > 0) === (after > 0)) continue;
    const t = tsMs[i];
    const n = occ.changeMs.length;
    const cumulative = n === 0 ? 0 : occ.cumulativeMs[n - 1] + (occ.occupiedAfter[n - 1] ? t - occ.changeMs[n - 1] : 0);
    occ.changeMs.push(t);
    occ.cumulativeMs.push(cumulative);
    occ.occupiedAfter.push(after > 0);
  }
  return out;
}
