import { describe, expect, it } from "vitest";
import { PushSource } from "./push-source.js";
import { collect, waitFor } from "./test-support/polling.js";

const frame = (n: number): Uint8Array => Uint8Array.of(n);

describe("PushSource", () => {
  it("hands a slow consumer only the newest of the frames pushed meanwhile", async () => {
    const source = new PushSource();
    const iterator = source.frames(new AbortController().signal)[Symbol.asyncIterator]();
    source.push(frame(1), 1000);
    source.push(frame(2), 1040);
    source.push(frame(3), 1080);
    const first = await iterator.next();
    expect(first.value).toEqual({ frame: frame(3), tMs: 1080 });
    expect(source.framesDropped).toBe(2);
    source.push(frame(4), 1120);
    expect((await iterator.next()).value).toEqual({ frame: frame(4), tMs: 1120 });
    await iterator.return?.(undefined);
  });

  it("delivers a frame pushed while the consumer is waiting", async () => {
    const source = new PushSource();
    const controller = new AbortController();
    const run = collect(source, controller.signal);
    await new Promise((r) => setTimeout(r, 10));
    source.push(frame(7), 5000);
    await waitFor("the pushed frame", () => run.frames.length === 1);
    expect(run.frames[0]).toEqual({ frame: frame(7), tMs: 5000 });
    expect(source.health()).toMatchObject({ ok: true, framesDelivered: 1, lastFrameTs: 5000, errors: 0 });
    controller.abort();
    await run.done;
  });

  it("is not ok until the first frame is pushed", () => {
    const source = new PushSource();
    expect(source.health()).toMatchObject({ ok: false, message: "waiting for the first frame", lastFrameTs: null });
    source.push(frame(1));
    expect(source.health().ok).toBe(true);
  });

  it("ends a waiting iteration on abort and on close", async () => {
    const aborted = new PushSource();
    const controller = new AbortController();
    const first = collect(aborted, controller.signal);
    controller.abort();
    await expect(first.done).resolves.toBeUndefined();

    const closed = new PushSource();
    const second = collect(closed, new AbortController().signal);
    await closed.close();
    await expect(second.done).resolves.toBeUndefined();
    expect(second.frames).toEqual([]);
  });

  it("allows one consumer at a time, and another once the first has finished", async () => {
    const source = new PushSource();
    const controller = new AbortController();
    const first = collect(source, controller.signal);
    await new Promise((r) => setTimeout(r, 10));
    await expect(collect(source, controller.signal).done).rejects.toThrow(/one consumer at a time/);
    controller.abort();
    await first.done;
    source.push(frame(9), 9);
    const again = source.frames(new AbortController().signal)[Symbol.asyncIterator]();
    expect((await again.next()).value).toEqual({ frame: frame(9), tMs: 9 });
    await again.return?.(undefined);
  });
});
