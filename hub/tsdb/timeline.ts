/**
 * A bounded list kept in timestamp order. Late arrivals (an edge replaying its outbox) slot in
 * where they belong; a redelivered item (same ts, and `same` says it is the same) replaces the
 * copy instead of adding one; past the capacity the oldest goes. Appending in order, the common
 * case, costs O(1) amortised.
 */
export class Timeline<T> {
  private readonly items: T[] = [];

  constructor(
    readonly capacity: number,
    private readonly tsOf: (item: T) => number,
    private readonly same: (a: T, b: T) => boolean = () => true,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  insert(item: T): void {
    const ts = this.tsOf(item);
    const items = this.items;
    const n = items.length;
    if (n === 0 || ts > this.tsOf(items[n - 1])) {
      items.push(item);
    } else {
      const first = this.lowerBound(ts);
      let end = first;
      for (; end < n && this.tsOf(items[end]) === ts; end++) {
        if (this.same(items[end], item)) {
          items[end] = item;
          return;
        }
      }
      // Older than all we keep and no room: it would be the first to go.
      if (end === 0 && n >= this.capacity) return;
      items.splice(end, 0, item);
    }
    if (items.length > this.capacity) items.shift();
  }

  /** Items with ts >= sinceMs, oldest first. */
  since(sinceMs: number): T[] {
    return this.items.slice(this.lowerBound(sinceMs));
  }

  /** The newest `limit` items, oldest first. */
  latest(limit: number): T[] {
    if (!(limit > 0)) return [];
    return this.items.slice(Math.max(0, this.items.length - Math.floor(limit)));
  }

  /** Index of the first item with ts >= tsMs. */
  private lowerBound(tsMs: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsOf(this.items[mid]) < tsMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A Timeline that keeps each item as its JSON text: one flat string instead of an object graph
 * (a signal state is a dozen objects), so a city's history costs the old-space collector little
 * to trace; items are parsed when read, which only the REST API does.
 */
export class PackedTimeline<T extends { ts: number }> {
  private readonly timeline: Timeline<{ ts: number; text: string }>;

  constructor(capacity: number, same: (a: T, b: T) => boolean = () => true) {
    // Parsed only when two items share a timestamp, to tell a redelivery from a distinct item.
    this.timeline = new Timeline(capacity, (x) => x.ts, (a, b) => same(unpack<T>(a.text), unpack<T>(b.text)));
  }

  get size(): number {
    return this.timeline.size;
  }

  insert(item: T): void {
    this.timeline.insert({ ts: item.ts, text: JSON.stringify(item) });
  }

  /** The newest `limit` items, oldest first. */
  latest(limit: number): T[] {
    return this.timeline.latest(limit).map((x) => unpack<T>(x.text));
  }
}

/** The text was written by `insert` from a validated T, so it parses back to one. */
function unpack<T>(text: string): T {
  return JSON.parse(text) as T;
}
