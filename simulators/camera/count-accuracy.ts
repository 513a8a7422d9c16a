/** How well counts match the truth, overall and per key (an approach id, or any other cell such as approach × minute). */
export interface CountAccuracy {
  /** 1 − Σ|counted − true| / Σ true over every key, floored at 0; 1 when nothing was true and nothing counted. */
  overall: number;
  /** Per key: 1 − |counted − true| / true, floored at 0. */
  byKey: Record<string, number>;
  totalTrue: number;
  totalCounted: number;
  totalAbsError: number;
}

function ratio(absError: number, truth: number): number {
  if (truth === 0) return absError === 0 ? 1 : 0;
  return Math.max(0, 1 - absError / truth);
}

/**
 * Count accuracy the way a traffic engineer checks a detector against a manual count: errors are
 * taken per approach (per key) before they are added up, so an over-count on one approach never
 * hides an under-count on another. A key missing from one side counts as 0 there.
 */
export function countAccuracy(counted: Readonly<Record<string, number>>, truth: Readonly<Record<string, number>>): CountAccuracy {
  const keys = [...new Set([...Object.keys(truth), ...Object.keys(counted)])].sort();
  const byKey: Record<string, number> = {};
  let totalTrue = 0;
  let totalCounted = 0;
  let totalAbsError = 0;
  for (const key of keys) {
    const t = truth[key] ?? 0;
    const c = counted[key] ?? 0;
    if (!(t >= 0 && c >= 0)) throw new RangeError(`countAccuracy: ${key}: counts must be non-negative numbers, got counted ${c}, true ${t}`);
    byKey[key] = ratio(Math.abs(c - t), t);
    totalTrue += t;
    totalCounted += c;
    totalAbsError += Math.abs(c - t);
  }
  return { overall: ratio(totalAbsError, totalTrue), byKey, totalTrue, totalCounted, totalAbsError };
}
