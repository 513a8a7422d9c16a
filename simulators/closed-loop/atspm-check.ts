import { SPLIT_FAILURE_THRESHOLD, type AtspmMeasures } from "../../hub/atspm/index.js";
import type { AtspmRun } from "./atspm-run.js";
import { STEP_S } from "./fast-loop.js";

const STEP_MS = STEP_S * 1000;

/** ATSPM estimates from a run's events beside the simulator's truth. */
export interface TruthCheck {
  aogEstimatePct: number;
  aogTruthPct: number;
  arrivals: number;
  truthArrivals: number;
  splitFailureEstimatePct: number;
  splitFailureTruthPct: number;
  /** Stricter truth: the queue never emptied during the green (not even for a step), and some was left after the yellow. */
  splitFailureStrictPct: number;
  /** Stricter truth (HCM overflow): a vehicle waiting when the green began still waits after it. */
  splitFailureOverflowPct: number;
  /** Looser truth: any vehicle left queued after the yellow. */
  splitFailureResidualPct: number;
  /** Another reading of the truth: a vehicle that reached the stop line before the yellow began is left queued after it. */
  splitFailureUnservedPct: number;
  /** Session 6's truth: the green counts as used only while a vehicle is queued at the stop line. */
  splitFailureQueuePct: number;
  greens: number;
  /** Every green the two disagree on, with what each side saw: where the split-failure error comes from. */
  splitFailureCases: SplitFailureCase[];
  /** Greens the two disagree on, and why: where the split-failure error comes from. */
  splitFailureDisagreements: {
    /** Events call it failed (GOR and ROR5 over 79 %); the green was used for more than 79 % of it, but none was queued when the red began. */
    eventsOnlyNothingLeft: number;
    /** Events call it failed; a vehicle was left queued when the red began, but the green was used for 79 % of it or less (vehicles moving over the stop bar with gaps make up the rest of GOR). */
    eventsOnlyGreenNotUsed: number;
    /** Events call it failed; nothing was left and the green was used for 79 % of it or less. */
    eventsOnlyNeither: number;
    /** Of the events-only greens with nothing left when the red began, those whose first 5 s of red were filled by a vehicle that reached the stop line after the red began. */
    eventsOnlyRedArrival: number;
    /** The truth failed, the events did not. */
    truthOnly: number;
  };
}

/** One green the events and the truth judge differently. */
export interface SplitFailureCase {
  intersectionId: string;
  phase: number;
  approachId: string;
  greenStartMs: number;
  greenS: number;
  eventsFailed: boolean;
  gor: number;
  ror5: number;
  queuedShareOfGreen: number;
  usedShareOfGreen: number;
  residualVeh: number;
  /** The first vehicle over the stop bar in the first 5 s of red reached the line (point queue) this long after the yellow began; NaN when none. */
  redWindowArrivalAfterYellowS: number;
  yellowS: number;
}

/** Estimates and truth pooled over every intersection and detected phase, over the same cycles and greens. */
export function compareWithTruth(run: Pick<AtspmRun, "truth">, measures: ReadonlyMap<string, AtspmMeasures>): TruthCheck {
  let estArrivals = 0;
  let estGreen = 0;
  let truthArrivals = 0;
  let truthGreen = 0;
  let greens = 0;
  let estFailed = 0;
  let truthFailed = 0;
  let truthResidual = 0;
  let truthOverflow = 0;
  let truthUnserved = 0;
  let truthStrict = 0;
  let truthQueue = 0;
  const disagree = { eventsOnlyNothingLeft: 0, eventsOnlyGreenNotUsed: 0, eventsOnlyNeither: 0, eventsOnlyRedArrival: 0, truthOnly: 0 };
  const cases: SplitFailureCase[] = [];
  for (const [id, m] of measures) {
    for (const a of m.arrivalsOnGreen) {
      estArrivals += a.arrivals;
      estGreen += a.onGreen;
    }
    const truthArr = run.truth.arrivals.get(id) ?? [];
    for (const pcd of m.coordinationDiagram) {
      const mine = truthArr.filter((t) => t.phase === pcd.phase && t.approachId === pcd.approachId).sort((a, b) => a.tMs - b.tMs);
      let k = 0;
      for (const t of mine) {
        while (k < pcd.cycleStartMs.length && pcd.cycleStartMs[k] + pcd.cycleS[k] * 1000 <= t.tMs) k++;
        if (k >= pcd.cycleStartMs.length || t.tMs < pcd.cycleStartMs[k]) continue;
        truthArrivals++;
        if (t.green) truthGreen++;
      }
    }
    const truthGreens = new Map((run.truth.greens.get(id) ?? []).map((g) => [`${g.phase}/${g.approachId}/${g.greenStartMs}`, g]));
    for (const sf of m.splitFailures) {
      sf.greenStartMs.forEach((g, i) => {
        const t = truthGreens.get(`${sf.phase}/${sf.approachId}/${g}`);
        if (t === undefined) return;
        greens++;
        if (sf.failed[i]) estFailed++;
        if (t.failed) truthFailed++;
        if (t.overflow) truthOverflow++;
        if (t.residualVeh > 0) truthResidual++;
        if (t.unserved) truthUnserved++;
        if (t.strictFailed) truthStrict++;
        if (t.queueFailed) truthQueue++;
        if (sf.failed[i] !== t.failed) {
          cases.push({
            intersectionId: id,
            phase: sf.phase,
            approachId: sf.approachId ?? "",
            greenStartMs: g,
            greenS: (t.yellowStartMs - g) / 1000,
            eventsFailed: sf.failed[i],
            gor: sf.greenOccupancy[i],
            ror5: sf.redOccupancy[i],
            queuedShareOfGreen: t.queuedShareOfGreen,
            usedShareOfGreen: t.usedShareOfGreen,
            residualVeh: t.residualVeh,
            redWindowArrivalAfterYellowS: (t.redWindowFirstArrivalMs - t.yellowStartMs) / 1000,
            yellowS: (t.redStartMs - t.yellowStartMs) / 1000,
          });
        }
        if (sf.failed[i] && !t.failed) {
          const used = t.usedShareOfGreen > SPLIT_FAILURE_THRESHOLD;
          const left = t.residualVeh > 0;
          if (used) disagree.eventsOnlyNothingLeft++;
          else if (left) disagree.eventsOnlyGreenNotUsed++;
          else disagree.eventsOnlyNeither++;
          // Sampled at the 0.2 s step: a vehicle reaching the line in the step that ends the yellow is on the red.
          if (!left && t.redWindowFirstArrivalMs >= t.redStartMs - STEP_MS) disagree.eventsOnlyRedArrival++;
        } else if (t.failed && !sf.failed[i]) disagree.truthOnly++;
      });
    }
  }
  const pct = (a: number, b: number): number => (b === 0 ? 0 : (a / b) * 100);
  return {
    aogEstimatePct: pct(estGreen, estArrivals),
    aogTruthPct: pct(truthGreen, truthArrivals),
    arrivals: estArrivals,
    truthArrivals,
    splitFailureEstimatePct: pct(estFailed, greens),
    splitFailureTruthPct: pct(truthFailed, greens),
    splitFailureStrictPct: pct(truthStrict, greens),
    splitFailureQueuePct: pct(truthQueue, greens),
    splitFailureOverflowPct: pct(truthOverflow, greens),
    splitFailureResidualPct: pct(truthResidual, greens),
    splitFailureUnservedPct: pct(truthUnserved, greens),
    greens,
    splitFailureDisagreements: disagree,
    splitFailureCases: cases,
  };
}

