/**
 * A bounded FIFO of line-protocol lines waiting for the time-series server, with at most one
 * batch in flight. When full it drops the OLDEST lines, so after an outage the newest data
 * survives. Pure: no timers, no I/O; the caller passes the clock.
 *
 * Lines in flight still count against the bound. If the queue overflows while a batch is in
 * flight, the batch's oldest lines are marked doomed: they are lost only if that batch fails
 * (a delivered line is never counted as dropped).
 */
export class LineQueue {
  private readonly lines: (string | undefined)[];
  private readonly enqueuedAtMs: Float64Array;
  private head = 0;
  private count = 0;
  private inFlight: string[] | undefined;
  private inFlightAtMs: number[] = [];
  private doomed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.lines = new Array<string | undefined>(capacity);
    this.enqueuedAtMs = new Float64Array(capacity);
  }

  /** Lines held that may still be delivered: queued plus in flight, minus doomed ones. */
  get size(): number {
    return this.count + this.inFlightLive;
  }

  /** Lines waiting to be taken (not in flight). */
  get queued(): number {
    return this.count;
  }

  /** In-flight lines that will be dropped if their batch fails. */
  get doomedLines(): number {
    return this.doomed;
  }

  get hasBatchInFlight(): boolean {
    return this.inFlight !== undefined;
  }

  private get inFlightLive(): number {
    return this.inFlight ? this.inFlight.length - this.doomed : 0;
  }

  /** Appends a line; returns how many lines were dropped now to make room (0 or 1). */
  push(line: string, atMs: number): number {
    let dropped = 0;
    if (this.size >= this.capacity) {
      if (this.inFlightLive > 0) this.doomed++;
      else {
        this.dropFront(1);
        dropped = 1;
      }
    }
    const at = (this.head + this.count) % this.capacity;
    this.lines[at] = line;
    this.enqueuedAtMs[at] = atMs;
    this.count++;
    return dropped;
  }

  /** Moves up to `max` of the oldest lines in flight and returns them. */
  takeBatch(max: number): string[] {
    if (this.inFlight) throw new Error("a batch is already in flight: settle it first");
    const n = Math.min(max, this.count);
    const batch: string[] = new Array<string>(n);
    const times: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const at = (this.head + i) % this.capacity;
      batch[i] = this.lines[at] as string;
      times[i] = this.enqueuedAtMs[at];
      this.lines[at] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    this.inFlight = batch;
    this.inFlightAtMs = times;
    this.doomed = 0;
    return batch;
  }

  /**
   * Ends the flight. Delivered: the batch is gone. Not delivered: its lines go back to the front
   * (they are the oldest), except the doomed ones, which are dropped. Returns the lines dropped.
   */
  settle(delivered: boolean): number {
    const batch = this.inFlight;
    if (!batch) return 0;
    const times = this.inFlightAtMs;
    const doomed = this.doomed;
    this.inFlight = undefined;
    this.inFlightAtMs = [];
    this.doomed = 0;
    if (delivered) return 0;
    const keep = batch.length - doomed;
    this.head = (this.head - keep + this.capacity) % this.capacity;
    for (let i = 0; i < keep; i++) {
      const at = (this.head + i) % this.capacity;
      this.lines[at] = batch[doomed + i];
      this.enqueuedAtMs[at] = times[doomed + i];
    }
    this.count += keep;
    return doomed;
  }

  /** Drops queued lines enqueued before `cutoffMs` (they are at the front); returns how many. */
  dropOlderThan(cutoffMs: number): number {
    let n = 0;
    while (n < this.count && this.enqueuedAtMs[(this.head + n) % this.capacity] < cutoffMs) n++;
    this.dropFront(n);
    return n;
  }

  /** Removes and returns every queued line (not the batch in flight), oldest first. */
  takeAll(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.lines[(this.head + i) % this.capacity] as string;
    this.dropFront(this.count);
    return out;
  }

  /** Empties the queue (not the batch in flight); returns how many lines were discarded. */
  clear(): number {
    const n = this.count;
    this.dropFront(n);
    return n;
  }

  private dropFront(n: number): void {
    for (let i = 0; i < n; i++) this.lines[(this.head + i) % this.capacity] = undefined;
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
  }
}
