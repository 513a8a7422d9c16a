/** A value that carries when it was last used, for `RecencyMap`. */
export interface Stamped {
  lastUsed: number;
}

/**
 * A Map bounded to `max` keys that drops the least recently used key when a new one would exceed
 * it. Use is recorded as a number on the value, not by moving the key to the Map's end: a
 * delete-and-set per message (the memory history's old LRU) leaves a deleted slot behind each time,
 * so the Map's table is rebuilt every few thousand messages, and those tables, and each small
 * per-intersection Map's, lived long enough to be promoted (docs/hub.md, "The hot path and the
 * garbage collector"). Finding the oldest is a scan, paid only when a new key arrives at the bound.
 */
export class RecencyMap<V extends Stamped> {
  private readonly map = new Map<string, V>();
  private clock = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Mark `key` used now, adding it with `value` if new (evicting the least recently used past `max`). */
  touch(key: string, value: V): void {
    value.lastUsed = ++this.clock;
    if (this.map.get(key) === value) return;
    this.map.set(key, value);
    if (this.map.size > this.max) this.evictOldest();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  /** Keys, least recently used first. */
  keysByRecency(): string[] {
    return [...this.map].sort((a, b) => a[1].lastUsed - b[1].lastUsed).map(([key]) => key);
  }

  private evictOldest(): void {
    while (this.map.size > this.max) {
      let oldestKey: string | null = null;
      let oldest = Infinity;
      for (const [key, value] of this.map) {
        if (value.lastUsed < oldest) {
          oldest = value.lastUsed;
          oldestKey = key;
        }
      }
      if (oldestKey === null) return;
      this.map.delete(oldestKey);
    }
  }
}
