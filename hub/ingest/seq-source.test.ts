import { describe, expect, it } from "vitest";
import { createSeqSource } from "./seq-source.js";

describe("createSeqSource", () => {
  it("keeps increasing within one millisecond and when the clock stands still or steps back", () => {
    let nowMs = 1000;
    const next = createSeqSource(() => nowMs);
    const seqs = [next(), next()];
    nowMs = 990;
    seqs.push(next());
    nowMs = 5000;
    seqs.push(next());
    expect(seqs).toEqual([1000, 1001, 1002, 5000]);
  });

  it("starts above anything a previous run published, since it starts from the clock", () => {
    const before = createSeqSource(() => 1_000)();
    const afterRestart = createSeqSource(() => 2_000)();
    expect(afterRestart).toBeGreaterThan(before);
  });
});
