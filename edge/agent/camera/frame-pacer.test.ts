import { describe, expect, it } from "vitest";
import { FramePacer } from "./frame-pacer.js";
import { virtualClock as fakeClock } from "./test-support/polling.js";

describe("FramePacer", () => {
  const signal = new AbortController().signal;

  it("lets the first frame through at once and spaces the next ones 1000/fps apart", async () => {
    const clock = fakeClock();
    const pacer = new FramePacer(4, clock);
    const sentAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.wait(signal);
      pacer.mark();
      sentAt.push(clock.now());
    }
    expect(sentAt.slice(1).map((t, i) => t - sentAt[i]!)).toEqual([250, 250, 250]);
    expect(clock.sleeps).toEqual([250, 250, 250]);
  });

  it("waits only the rest of the interval when the consumer took part of it", async () => {
    const clock = fakeClock();
    const pacer = new FramePacer(10, clock);
    await pacer.wait(signal);
    pacer.mark();
    clock.advance(70);
    await pacer.wait(signal);
    expect(clock.sleeps).toEqual([30]);
  });

  it("does not burst to catch up after a slow consumer", async () => {
    const clock = fakeClock();
    const pacer = new FramePacer(10, clock);
    await pacer.wait(signal);
    pacer.mark();
    clock.advance(1000); // ten intervals late
    await pacer.wait(signal);
    pacer.mark();
    await pacer.wait(signal);
    expect(clock.sleeps).toEqual([100]);
  });

  it("forgets its schedule on reset", async () => {
    const clock = fakeClock();
    const pacer = new FramePacer(1, clock);
    await pacer.wait(signal);
    pacer.mark();
    pacer.reset();
    await pacer.wait(signal);
    expect(clock.sleeps).toEqual([]);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new FramePacer(0, fakeClock())).toThrow(/fps must be positive/);
  });
});
