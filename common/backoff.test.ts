import { describe, expect, it } from "vitest";
import { BackoffOptions, backoffDelayMs } from "./backoff.js";

describe("backoffDelayMs", () => {
  const options = BackoffOptions.parse({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0 });

  it("doubles from the initial delay and stops at the ceiling", () => {
    const delays = Array.from({ length: 10 }, (_, attempt) => backoffDelayMs(attempt, options));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it("takes off at most the jitter share, never exceeding the ceiling", () => {
    const jittered = { ...options, jitter: 0.5 };
    expect(backoffDelayMs(0, jittered, () => 0)).toBe(500);
    expect(backoffDelayMs(0, jittered, () => 0.999)).toBe(250);
    expect(backoffDelayMs(20, jittered, () => 0)).toBe(30_000);
    expect(backoffDelayMs(20, jittered, () => 0.5)).toBe(22_500);
  });

  it("stays finite after a very long outage", () => {
    expect(backoffDelayMs(100_000, options)).toBe(30_000);
  });

  it("has the documented defaults and refuses a ceiling below the start", () => {
    expect(BackoffOptions.parse({})).toEqual({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 });
    expect(BackoffOptions.safeParse({ initialMs: 1000, maxMs: 10 }).success).toBe(false);
  });
});
