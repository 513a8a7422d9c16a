import { describe, expect, it } from "vitest";
import { createFrameScheduler } from "./frame-scheduler.js";

describe("frame scheduler", () => {
  it("renders once per frame however many updates arrive before it", () => {
    const frames: (() => void)[] = [];
    let renders = 0;
    const scheduler = createFrameScheduler(() => renders++, (cb) => frames.push(cb));
    for (let i = 0; i < 50; i++) scheduler.schedule();
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(renders).toBe(1);
    scheduler.schedule();
    scheduler.schedule();
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(renders).toBe(2);
  });
});
