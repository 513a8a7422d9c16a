import { sortedGroups, type Grouped } from "./detectors.js";
import { CycleCursor, type PhaseCycles } from "./phase-cycles.js";
import { sortedPhases } from "./termination.js";
import type { ArrivalsOnGreen, ApproachDelay, CoordinationDiagram } from "./schemas.js";




const GREEN = 0;
const YELLOW = 1;
const RED = 2;

function stateIn(pc: PhaseCycles, k: number, t: number): number {
  if (t < pc.greenMs[k]) return RED;
  return t < pc.yellowMs[k] ? GREEN : YELLOW;
}

function wholeCycleTimes(pc: PhaseCycles): { greenMs: number; cycleMs: number } {
  let greenMs = 0;
  let cycleMs = 0;
  for (let k = 0; k < pc.greenMs.length; k++) {
    const start = pc.cycleStartMs[k];
    if (Number.isNaN(start)) continue;
    greenMs += pc.yellowMs[k] - pc.greenMs[k];
    cycleMs += pc.redMs[k] - start;
  }
  return { greenMs, cycleMs };
}

export function arrivalsOnGreen(cycles: ReadonlyMap<number, PhaseCycles>, arrivals: Grouped<Float64Array>): ArrivalsOnGreen[] {
  const out: ArrivalsOnGreen[] = [];
  for (const { phase, approachId, value: list } of sortedGroups(arrivals)) {
    const pc = cycles.get(phase);
    if (pc === undefined) continue;
    const counts = [0, 0, 0];
    const cursor = new CycleCursor(pc);
    for (let i = 0; i < list.length; i++) {
      const k = cursor.cycleAt(list[i]);
      if (k >= 0) counts[stateIn(pc, k, list[i])]++;
    }
    const total = counts[GREEN] + counts[YELLOW] + counts[RED];
    const { greenMs, cycleMs } = wholeCycleTimes(pc);
    const share = total === 0 ? 0 : counts[GREEN] / total;
    const gC = cycleMs === 0 ? 0 : greenMs / cycleMs;
    out.push({
      phase,
      approachId,
      arrivals: total,
      onGreen: counts[GREEN],
      onYellow: counts[YELLOW],
      onRed: counts[RED],
      percentOnGreen: share * 100,
      greenToCycle: gC,
      platoonRatio: gC === 0 ? 0 : share / gC,
    });
  }
  return out;
}

export function approachDelay(cycles: ReadonlyMap<number, PhaseCycles>, arrivals: Grouped<Float64Array>): ApproachDelay[] {
  const out: ApproachDelay[] = [];
  for (const { phase, approachId, value: list } of sortedGroups(arrivals)) {
    const pc = cycles.get(phase);
    if (pc === undefined) continue;
    const cursor = new CycleCursor(pc);
    let total = 0;
    let onRed = 0;
    let delayMs = 0;
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      const k = cursor.cycleAt(t);
      if (k < 0) continue;
      total++;
      if (t < pc.greenMs[k]) {
        onRed++;
        delayMs += pc.greenMs[k] - t;
      }
    }
    out.push({ phase, approachId, arrivals: total, arrivalsOnRed: onRed, totalDelayS: delayMs / 1000, delayPerVehicleS: total === 0 ? 0 : delayMs / 1000 / total });
  }
  return out;
}

/** One diagram per detector group with advance detectors; a phase with none still gets its cycles. */
export function coordinationDiagram(cycles: ReadonlyMap<number, PhaseCycles>, arrivals: Grouped<Float64Array>): CoordinationDiagram[] {
  const groups = sortedGroups(arrivals);
  const out: CoordinationDiagram[] = [];
  for (const pc of sortedPhases(cycles)) {
    const mine = groups.filter((g) => g.phase === pc.phase);
    for (const g of mine.length > 0 ? mine : [{ phase: pc.phase, approachId: null, value: new Float64Array(0) }]) {
      out.push(diagram(pc, g.approachId, g.value));
    }
  }
  return out;
}

function diagram(pc: PhaseCycles, approachId: string | null, list: Float64Array): CoordinationDiagram {
  const d: CoordinationDiagram = { phase: pc.phase, approachId, cycleStartMs: [], greenS: [], yellowS: [], cycleS: [], arrivalMs: [], arrivalSecondInCycle: [] };
  for (let k = 0; k < pc.greenMs.length; k++) {
    const start = pc.cycleStartMs[k];
    if (Number.isNaN(start)) continue;
    d.cycleStartMs.push(start);
    d.greenS.push((pc.greenMs[k] - start) / 1000);
    d.yellowS.push((pc.yellowMs[k] - start) / 1000);
    d.cycleS.push((pc.redMs[k] - start) / 1000);
  }
  const cursor = new CycleCursor(pc);
  for (let i = 0; i < list.length; i++) {
    const k = cursor.cycleAt(list[i]);
    if (k < 0) continue;
    d.arrivalMs.push(list[i]);
    d.arrivalSecondInCycle.push((list[i] - pc.cycleStartMs[k]) / 1000);
  }
  return d;
}
