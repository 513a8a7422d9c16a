import type { MeasurePoint } from "../net/contract.js";

/**
 * Per-approach measures laid out for a time chart: one shared time axis (seconds, as uPlot wants)
 * and one column per approach, null where an approach reported nothing at that time.
 */
export interface ApproachSeries {
  approaches: string[];
  timesS: number[];
  queue: (number | null)[][];
  count: (number | null)[][];
}

export const HOUR_MS = 3_600_000;

/** Build the series from measure points, keeping those within `windowMs` of the newest. */
export function approachSeries(points: readonly MeasurePoint[], windowMs = HOUR_MS): ApproachSeries {
  const newest = points.reduce((m, p) => Math.max(m, p.ts), -Infinity);
  const kept = points.filter((p) => p.ts > newest - windowMs);
  const approaches = [...new Set(kept.map((p) => p.approachId))].sort();
  const times = [...new Set(kept.map((p) => p.ts))].sort((a, b) => a - b);
  const row = new Map(times.map((t, i) => [t, i]));
  const column = new Map(approaches.map((a, i) => [a, i]));
  const queue = approaches.map(() => times.map((): number | null => null));
  const count = approaches.map(() => times.map((): number | null => null));
  for (const p of kept) {
    const i = row.get(p.ts)!;
    const a = column.get(p.approachId)!;
    queue[a]![i] = p.queue;
    count[a]![i] = p.count;
  }
  return { approaches, timesS: times.map((t) => t / 1000), queue, count };
}

/** Add a live measures message's approaches to the points, ignoring one already there. */
export function withMeasures(points: readonly MeasurePoint[], measures: { ts: number; intervalMs: number; approaches: { approachId: string; count: number; queue: number; occupancy: number }[] }, windowMs = HOUR_MS): MeasurePoint[] {
  if (points.some((p) => p.ts === measures.ts)) return points as MeasurePoint[];
  const added = measures.approaches.map((a) => ({ ts: measures.ts, approachId: a.approachId, intervalMs: measures.intervalMs, count: a.count, queue: a.queue, occupancy: a.occupancy }));
  return [...points, ...added].filter((p) => p.ts > measures.ts - windowMs);
}
