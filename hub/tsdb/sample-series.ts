import { VEHICLE_CLASSES, type CountsByClass } from "../../protocol/index.js";

/** One approach over one measuring interval. */
export interface ApproachSample {
  approachId: string;
  /** End of the interval, ms since epoch (the payload's `ts`). */
  ts: number;
  intervalMs: number;
  count: number;
  countsByClass: CountsByClass;
  queue: number;
  occupancy: number;
}

const FIELDS = 5; // ts, intervalMs, count, queue, occupancy
const CLASSES = VEHICLE_CLASSES.length;
const INITIAL_SLOTS = 16;

/**
 * One approach's recent samples in timestamp order, packed in two typed arrays used as a ring:
 * no object per sample, so a city's worth of history (over a million samples at 5,000
 * intersections) gives the old-space collector nothing to trace. Same rules as `Timeline`: a late
 * sample slots in where it belongs, one with a timestamp already held replaces it (a redelivery),
 * and past the capacity the oldest goes. Appending in order costs O(1).
 */
export class SampleSeries {
  private numbers: Float64Array;
  /** Per sample and vehicle class (VEHICLE_CLASSES order): the count, or NaN where the payload had none. */
  private classes: Float64Array;
  /** Slots allocated: grows by doubling up to `capacity`, so an approach heard a few times (or invented by a hostile device) costs a few samples' worth, not an hour's. */
  private slots: number;
  private head = 0;
  private length = 0;
  /** Its owner's recency stamp (the memory history keeps the most recently heard approaches). */
  lastUsed = 0;

  constructor(
    readonly capacity: number,
    readonly approachId: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.slots = Math.min(capacity, INITIAL_SLOTS);
    this.numbers = new Float64Array(this.slots * FIELDS);
    this.classes = new Float64Array(this.slots * CLASSES);
  }

  get size(): number {
    return this.length;
  }

  /** Bytes of typed array held (for sizing and tests). */
  get bytes(): number {
    return this.numbers.byteLength + this.classes.byteLength;
  }

  insert(sample: Omit<ApproachSample, "approachId">): void {
    if (this.length === this.slots && this.slots < this.capacity) this.grow();
    const n = this.length;
    if (n === 0 || sample.ts > this.tsAt(n - 1)) {
      if (n === this.capacity) this.dropOldest();
      this.write(this.length++, sample);
      return;
    }
    const at = this.lowerBound(sample.ts);
    if (at < n && this.tsAt(at) === sample.ts) {
      this.write(at, sample);
      return;
    }
    // Older than all we keep and no room: it would be the first to go.
    if (at === 0 && n === this.capacity) return;
    let insertAt = at;
    if (n === this.capacity) {
      this.dropOldest();
      insertAt--;
    }
    for (let i = this.length; i > insertAt; i--) this.copy(i - 1, i);
    this.length++;
    this.write(insertAt, sample);
  }

  /** Samples with ts >= sinceMs, oldest first. */
  since(sinceMs: number): ApproachSample[] {
    const out: ApproachSample[] = [];
    for (let i = this.lowerBound(sinceMs); i < this.length; i++) out.push(this.read(i));
    return out;
  }

  private slot(i: number): number {
    return (this.head + i) % this.slots;
  }

  private grow(): void {
    const slots = Math.min(this.capacity, this.slots * 2);
    const numbers = new Float64Array(slots * FIELDS);
    const classes = new Float64Array(slots * CLASSES);
    for (let i = 0; i < this.length; i++) {
      const from = this.slot(i);
      numbers.set(this.numbers.subarray(from * FIELDS, from * FIELDS + FIELDS), i * FIELDS);
      classes.set(this.classes.subarray(from * CLASSES, from * CLASSES + CLASSES), i * CLASSES);
    }
    this.numbers = numbers;
    this.classes = classes;
    this.slots = slots;
    this.head = 0;
  }

  private tsAt(i: number): number {
    return this.numbers[this.slot(i) * FIELDS];
  }

  private dropOldest(): void {
    this.head = (this.head + 1) % this.slots;
    this.length--;
  }

  private write(i: number, s: Omit<ApproachSample, "approachId">): void {
    const slot = this.slot(i);
    const n = this.numbers;
    const o = slot * FIELDS;
    n[o] = s.ts;
    n[o + 1] = s.intervalMs;
    n[o + 2] = s.count;
    n[o + 3] = s.queue;
    n[o + 4] = s.occupancy;
    for (let c = 0; c < CLASSES; c++) this.classes[slot * CLASSES + c] = s.countsByClass[VEHICLE_CLASSES[c]] ?? Number.NaN;
  }

  private copy(from: number, to: number): void {
    const f = this.slot(from);
    const t = this.slot(to);
    this.numbers.copyWithin(t * FIELDS, f * FIELDS, f * FIELDS + FIELDS);
    this.classes.copyWithin(t * CLASSES, f * CLASSES, f * CLASSES + CLASSES);
  }

  private read(i: number): ApproachSample {
    const slot = this.slot(i);
    const o = slot * FIELDS;
    const countsByClass: CountsByClass = {};
    for (let c = 0; c < CLASSES; c++) {
      const v = this.classes[slot * CLASSES + c];
      if (!Number.isNaN(v)) countsByClass[VEHICLE_CLASSES[c]] = v;
    }
    const n = this.numbers;
    return { approachId: this.approachId, ts: n[o], intervalMs: n[o + 1], count: n[o + 2], countsByClass, queue: n[o + 3], occupancy: n[o + 4] };
  }

  /** Logical index of the first sample with ts >= tsMs. */
  private lowerBound(tsMs: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(mid) < tsMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
