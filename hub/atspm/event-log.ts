/**
 * An intersection's Indiana hi-res events as parallel typed arrays, sorted by time: what every
 * measure reads in one pass. A day at a busy intersection is a few hundred thousand events, so
 * the measures never touch an object per event.
 */
export interface EventLog {
  readonly length: number;
  readonly tsMs: Float64Array;
  readonly code: Uint16Array;
  readonly param: Uint16Array;
}

export interface HiResLike {
  ts: number;
  code: number;
  param: number;
}

/** Collects events (in any order) and builds a sorted log; events at the same ts keep their order. */
export class EventLogBuilder {
  private tsMs = new Float64Array(1024);
  private code = new Uint16Array(1024);
  private param = new Uint16Array(1024);
  private n = 0;
  private sorted = true;

  push(tsMs: number, code: number, param: number): void {
    if (this.n === this.tsMs.length) this.grow();
    if (this.n > 0 && tsMs < this.tsMs[this.n - 1]) this.sorted = false;
    this.tsMs[this.n] = tsMs;
    this.code[this.n] = code;
    this.param[this.n] = param;
    this.n++;
  }

  get length(): number {
    return this.n;
  }

  build(): EventLog {
    const n = this.n;
    if (this.sorted) return { length: n, tsMs: this.tsMs.slice(0, n), code: this.code.slice(0, n), param: this.param.slice(0, n) };
    // Stable: order by time, then by arrival (a gap-out and its begin-yellow share a millisecond).
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const ts = this.tsMs;
    order.sort((a, b) => ts[a] - ts[b] || a - b);
    const out = { length: n, tsMs: new Float64Array(n), code: new Uint16Array(n), param: new Uint16Array(n) };
    for (let i = 0; i < n; i++) {
      const j = order[i];
      out.tsMs[i] = ts[j];
      out.code[i] = this.code[j];
      out.param[i] = this.param[j];
    }
    return out;
  }

  private grow(): void {
    const size = this.tsMs.length * 2;
    const ts = new Float64Array(size);
    ts.set(this.tsMs);
    const code = new Uint16Array(size);
    code.set(this.code);
    const param = new Uint16Array(size);
    param.set(this.param);
    this.tsMs = ts;
    this.code = code;
    this.param = param;
  }
}

export function eventLogOf(events: Iterable<HiResLike>): EventLog {
  const b = new EventLogBuilder();
  for (const e of events) b.push(e.ts, e.code, e.param);
  return b.build();
}
