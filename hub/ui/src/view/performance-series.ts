import type { CoordinationDiagram, PhaseTermination, SplitMonitor } from "../net/contract.js";

/** Points of one series: x (seconds since the epoch, as uPlot's time scale wants) and y. */
export interface XY {
  x: number[];
  y: number[];
}

/**
 * uPlot wants every series on one x array: merge the series' x values (sorted, distinct) and give
 * each series its y where it has a point and null elsewhere.
 */
export function alignSeries(sets: readonly XY[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(sets.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = sets.map((s) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => {
      y[index.get(x)!] = s.y[i]!;
    });
    return y;
  });
  return [xs, ...ys];
}

/** Purdue coordination diagram: arrivals by second in cycle, and the green and yellow start of each cycle. */
export function coordinationSeries(d: CoordinationDiagram): XY[] {
  const starts = d.cycleStartMs.map((ms) => ms / 1000);
  return [
    { x: d.arrivalMs.map((ms) => ms / 1000), y: d.arrivalSecondInCycle },
    { x: starts, y: d.greenS },
    { x: starts, y: d.yellowS },
  ];
}

/** Split monitor: each phase's served splits over time. */
export function splitSeries(phases: readonly SplitMonitor[]): XY[] {
  return phases.map((p) => ({ x: p.greenStartMs.map((ms) => ms / 1000), y: p.splitS }));
}

export const TERMINATION_CODES = [
  { code: 4, label: "gap-out" },
  { code: 5, label: "max-out" },
  { code: 6, label: "force-off" },
] as const;

/** Termination strip: one series per way a green ends, a point at the phase's row when a green ended that way. */
export function terminationSeries(phases: readonly PhaseTermination[]): XY[] {
  return TERMINATION_CODES.map(({ code }) => {
    const out: XY = { x: [], y: [] };
    for (const p of phases) {
      p.codes.forEach((c, i) => {
        if (c !== code) return;
        out.x.push(p.endsMs[i]! / 1000);
        out.y.push(p.phase);
      });
    }
    return out;
  });
}
