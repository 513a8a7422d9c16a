import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, backoffDelayMs } from "./backoff.js";

describe("backoffDelayMs", () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it("starts at 500 ms and doubles on each failure in a row", () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, noJitter));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it("never waits longer than 30 s, even after days of failures", () => {
    expect(backoffDelayMs(7, noJitter)).toBe(30_000);
    expect(backoffDelayMs(100_000, noJitter)).toBe(30_000);
  });

  it("takes off at most the jitter share, at random", () => {
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(2000);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(1600);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.5)).toBe(1800);
  });
});
