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
