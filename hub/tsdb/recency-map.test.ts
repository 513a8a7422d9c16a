import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecencyMap } from "./recency-map.js";

const item = (): { lastUsed: number } => ({ lastUsed: 0 });

describe("RecencyMap", () => {
  it("drops the least recently used key when a new one passes the bound", () => {
    const map = new RecencyMap<{ lastUsed: number }>(2);
    const a = item();
    map.touch("a", a);
    map.touch("b", item());
    map.touch("a", a); // a is now the most recent: b goes
    map.touch("c", item());
    expect(map.keysByRecency()).toEqual(["a", "c"]);
    expect(map.get("b")).toBeUndefined();
    expect(map.get("a")).toBe(a);
  });

  it("touching a key it holds never evicts", () => {
    const map = new RecencyMap<{ lastUsed: number }>(3);
    const values = ["x", "y", "z"].map((k) => [k, item()] as const);
    for (const [k, v] of values) map.touch(k, v);
    for (let i = 0; i < 10; i++) for (const [k, v] of values) map.touch(k, v);
    expect(map.size).toBe(3);
    expect(map.keysByRecency()).toEqual(["x", "y", "z"]);
  });

  it("keeps the same keys, in the same recency order, as a delete-and-set LRU", () => {
    const seed = 17;
    console.log(`RecencyMap property seed ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 200 }), (max, keys) => {
        const map = new RecencyMap<{ lastUsed: number }>(max);
        const values = new Map<string, { lastUsed: number }>();
        const reference = new Map<string, true>();
        for (const k of keys) {
          const key = `k${k}`;
          let value = map.get(key);
          if (value === undefined) {
            value = item();
            values.set(key, value);
          }
          map.touch(key, value);
          reference.delete(key);
          reference.set(key, true);
          while (reference.size > max) reference.delete(reference.keys().next().value!);
        }
        expect(map.keysByRecency()).toEqual([...reference.keys()]);
        expect(map.size).toBeLessThanOrEqual(max);
      }),
      { seed, verbose: true },
    );
  });
});
