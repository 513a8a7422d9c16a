/**
 * A bounded list of items kept in timestamp order as UTF-8 JSON in one byte buffer per list, with
 * the timestamps, offsets and lengths in a typed-array ring: no JS object per item, so a city's
 * history (half a million signal states at 5,000 intersections) gives the old-space collector
 * nothing to mark. Same rules as `Timeline`: a late item slots in where it belongs, a redelivery
 * (same ts, and the same `identity`) replaces its copy, and past the capacity the oldest goes.
 * Each item's identity is kept as a 32-bit hash beside its index entry, so telling a redelivery
 * from a new item at the same millisecond parses nothing unless the hashes match: a device that
 * sends a thousand events in one millisecond cost a thousand parses per insert before.
 * Items are parsed back when read, which only the REST API does.
 *
 * Bytes are appended; an evicted or replaced item's bytes stay until the buffer is full, then the
 * live items are compacted: moved to the front of the same buffer while that leaves a quarter of
 * it free, else copied into a fresh buffer sized to 1.5 × what they need (also when the buffer is
 * more than three times that). Each append costs O(1) amortised, and a full ring whose items keep
 * their size reuses its buffer for ever: at 5,000 intersections, fresh buffers at every compaction
 * were hundreds of megabytes a minute of external memory for the collector to find and free.
 */
const STRIDE = 3; // ts, byte offset, byte length
const MIN_BYTES = 512;
/** Index slots a ring starts with; it doubles up to its capacity as items come, so a quiet intersection (or a device that sends a few messages) does not reserve its whole bound up front. */
const MIN_SLOTS = 16;

/** FNV-1a over the UTF-16 code units: a cheap filter before the exact comparison. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class TextRing<T extends { ts: number }> {
  private index: Float64Array;
  /** `hash32(identity(item))` per slot. */
  private hashes: Int32Array;
  /** Slots in `index`: the ring wraps at this, not at the capacity, until it has grown to it. */
  private slots: number;
  private bytes: Buffer = Buffer.allocUnsafeSlow(0);
  private end = 0;
  private liveBytes = 0;
  private head = 0;
  private length = 0;
  private allocations = 0;

  constructor(
    readonly capacity: number,
    /** What makes two items at the same ts one (a redelivery); by default any two are. */
    private readonly identity: (item: T) => string = () => "",
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.slots = Math.min(capacity, MIN_SLOTS);
    this.index = new Float64Array(this.slots * STRIDE);
    this.hashes = new Int32Array(this.slots);
  }

  /** Bytes of the typed-array index and hashes (for sizing and tests). */
  get indexBytes(): number {
    return this.index.byteLength + this.hashes.byteLength;
  }

  get size(): number {
    return this.length;
  }

  /** Bytes held, live and not yet reclaimed (for sizing and tests). */
  get bufferBytes(): number {
    return this.bytes.length;
  }

  /** Byte buffers allocated so far (for tests: a full ring in steady state allocates none). */
  get bufferAllocations(): number {
    return this.allocations;
  }

  insert(item: T): void {
    const ts = item.ts;
    const n = this.length;
    if (n === 0 || ts > this.tsAt(n - 1)) {
      if (n === this.capacity) this.dropOldest();
      else this.makeRoom();
      this.writeAt(this.length++, item, hash32(this.identity(item)));
      return;
    }
    const first = this.lowerBound(ts);
    const id = this.identity(item);
    const h = hash32(id);
    let end = first;
    for (; end < n && this.tsAt(end) === ts; end++) {
      if (this.hashes[this.slot(end)] === h && this.identity(this.read(end)) === id) {
        this.liveBytes -= this.lengthAt(end);
        this.writeAt(end, item, h);
        return;
      }
    }
    // Older than all we keep and no room: it would be the first to go.
    if (end === 0 && n === this.capacity) return;
    let insertAt = end;
    if (n === this.capacity) {
      this.dropOldest();
      insertAt--;
    } else this.makeRoom();
    for (let i = this.length; i > insertAt; i--) {
      this.index.copyWithin(this.slot(i) * STRIDE, this.slot(i - 1) * STRIDE, this.slot(i - 1) * STRIDE + STRIDE);
      this.hashes[this.slot(i)] = this.hashes[this.slot(i - 1)]!;
    }
    this.length++;
    this.writeAt(insertAt, item, h);
  }

  /** The newest `limit` items, oldest first. */
  latest(limit: number): T[] {
    if (!(limit > 0)) return [];
    const out: T[] = [];
    for (let i = Math.max(0, this.length - Math.floor(limit)); i < this.length; i++) out.push(this.read(i));
    return out;
  }

  private slot(i: number): number {
    return (this.head + i) % this.slots;
  }

  /** Before `length` grows below the capacity: a full index doubles (up to the capacity), its items copied in logical order. */
  private makeRoom(): void {
    if (this.length < this.slots) return;
    const slots = Math.min(this.capacity, this.slots * 2);
    const next = new Float64Array(slots * STRIDE);
    const hashes = new Int32Array(slots);
    for (let i = 0; i < this.length; i++) {
      next.set(this.index.subarray(this.slot(i) * STRIDE, this.slot(i) * STRIDE + STRIDE), i * STRIDE);
      hashes[i] = this.hashes[this.slot(i)]!;
    }
    this.index = next;
    this.hashes = hashes;
    this.slots = slots;
    this.head = 0;
  }

  private tsAt(i: number): number {
    return this.index[this.slot(i) * STRIDE]!;
  }

  private lengthAt(i: number): number {
    return this.index[this.slot(i) * STRIDE + 2]!;
  }

  private dropOldest(): void {
    this.liveBytes -= this.lengthAt(0);
    this.head = (this.head + 1) % this.slots;
    this.length--;
  }

  /** Stores `item` at logical index `i` (a slot already counted in `length`). */
  private writeAt(i: number, item: T, hash: number): void {
    this.hashes[this.slot(i)] = hash;
    const text = JSON.stringify(item);
    const need = Buffer.byteLength(text);
    if (this.end + need > this.bytes.length) this.compact(need, i);
    const written = this.bytes.write(text, this.end, "utf8");
    const o = this.slot(i) * STRIDE;
    this.index[o] = item.ts;
    this.index[o + 1] = this.end;
    this.index[o + 2] = written;
    this.end += written;
    this.liveBytes += written;
  }

  /**
   * Makes room for `need` more bytes by compacting the live items. Logical index `skip` is the slot
   * about to be written: its index entry is stale and its bytes are not in `liveBytes`.
   */
  private compact(need: number, skip: number): void {
    const wanted = this.liveBytes + need;
    if (wanted <= this.bytes.length * 0.75 && wanted * 3 >= this.bytes.length) this.compactInPlace(skip);
    else this.compactInto(Buffer.allocUnsafeSlow(Math.max(MIN_BYTES, Math.ceil(wanted * 1.5))), skip);
  }

  private compactInto(next: Buffer, skip: number): void {
    this.allocations++;
    let at = 0;
    for (let i = 0; i < this.length; i++) {
      if (i === skip) continue;
      const o = this.slot(i) * STRIDE;
      const from = this.index[o + 1]!;
      const len = this.index[o + 2]!;
      this.bytes.copy(next, at, from, from + len);
      this.index[o + 1] = at;
      at += len;
    }
    this.bytes = next;
    this.end = at;
    this.liveBytes = at;
  }

  /** Moves the live items to the front of the buffer in byte order (a late insert's bytes lie after those of items newer than it), so none is overwritten before it has moved. */
  private compactInPlace(skip: number): void {
    const order: number[] = [];
    for (let i = 0; i < this.length; i++) if (i !== skip) order.push(i);
    order.sort((a, b) => this.index[this.slot(a) * STRIDE + 1]! - this.index[this.slot(b) * STRIDE + 1]!);
    let at = 0;
    for (const i of order) {
      const o = this.slot(i) * STRIDE;
      const from = this.index[o + 1]!;
      const len = this.index[o + 2]!;
      if (from !== at) this.bytes.copyWithin(at, from, from + len);
      this.index[o + 1] = at;
      at += len;
    }
    this.end = at;
    this.liveBytes = at;
  }

  private read(i: number): T {
    const o = this.slot(i) * STRIDE;
    const from = this.index[o + 1]!;
    // The text was written by `insert` from a validated T, so it parses back to one.
    return JSON.parse(this.bytes.toString("utf8", from, from + this.index[o + 2]!)) as T;
  }

  /** Logical index of the first item with ts >= tsMs. */
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
