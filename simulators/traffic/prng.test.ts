import { describe, expect, it } from "vitest";
import { Prng } from "./prng.js";

describe("Prng", () => {
  it("repeats its sequence for a seed and differs for another seed", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    const seqC = Array.from({ length: 20 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it("draws Poisson counts with the requested mean", () => {
    const prng = new Prng(7);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += prng.poisson(0.4);
    expect(sum / n).toBeGreaterThan(0.38);
    expect(sum / n).toBeLessThan(0.42);
  });

  it("picks indices in proportion to their weights and never a zero weight", () => {
    const prng = new Prng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[prng.pick([1, 0, 3])]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.6);
    expect(counts[2] / counts[0]).toBeLessThan(3.4);
  });
});
