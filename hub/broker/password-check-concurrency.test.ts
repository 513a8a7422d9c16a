import { describe, expect, it } from "vitest";
import { passwordCheckConcurrency, thisHost } from "./password-check-concurrency.js";

describe("password checks at once", () => {
  it("are as many as the cores can run, within the thread pool and at most 4", () => {
    expect(passwordCheckConcurrency({ cores: 2, threadPoolSize: 4 })).toBe(2);
    expect(passwordCheckConcurrency({ cores: 1, threadPoolSize: 4 })).toBe(1);
    expect(passwordCheckConcurrency({ cores: 16, threadPoolSize: 4 })).toBe(4);
    expect(passwordCheckConcurrency({ cores: 16, threadPoolSize: 64 })).toBe(4);
    expect(passwordCheckConcurrency({ cores: 8, threadPoolSize: 3 })).toBe(3);
  });

  it("follow the configuration when it says", () => {
    expect(passwordCheckConcurrency({ cores: 2, threadPoolSize: 4 }, 4)).toBe(4);
    expect(passwordCheckConcurrency({ cores: 16, threadPoolSize: 4 }, 1)).toBe(1);
  });

  it("read the pool size from UV_THREADPOOL_SIZE, libuv's 4 otherwise", () => {
    expect(thisHost({ UV_THREADPOOL_SIZE: "8" }).threadPoolSize).toBe(8);
    expect(thisHost({}).threadPoolSize).toBe(4);
    expect(thisHost({ UV_THREADPOOL_SIZE: "lots" }).threadPoolSize).toBe(4);
    expect(thisHost({}).cores).toBeGreaterThanOrEqual(1);
  });
});
