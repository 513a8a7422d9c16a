/** Seconds from a frame leaving the camera to its counts: upper bounds of the histogram's buckets. */
export const LATENCY_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

/** A fixed-bucket histogram (Prometheus semantics: cumulative buckets, sum and count). */
export class LatencyHistogram {
  private readonly counts = new Array<number>(LATENCY_BOUNDS_S.length).fill(0);
  private sumS = 0;
  private n = 0;

  observe(seconds: number): void {
    this.sumS += seconds;
    this.n++;
    const i = LATENCY_BOUNDS_S.findIndex((le) => seconds <= le);
    if (i >= 0) this.counts[i]!++;
  }

  snapshot(): { bounds: readonly number[]; cumulative: number[]; sum: number; count: number } {
    let running = 0;
    const cumulative = this.counts.map((c) => (running += c));
    return { bounds: LATENCY_BOUNDS_S, cumulative, sum: this.sumS, count: this.n };
  }
}
