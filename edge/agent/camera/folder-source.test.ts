import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CameraFrame } from "./camera-source.js";
import { FolderSource } from "./folder-source.js";
import { indexOfBytes, makeJpegs, makePng } from "./test-support/jpegs.js";
import { collect, virtualClock, waitFor } from "./test-support/polling.js";

const fastRetry = { backoff: { initialMs: 10, maxMs: 40, jitter: 0 } };

async function take(source: FolderSource, count: number): Promise<CameraFrame[]> {
  const frames: CameraFrame[] = [];
  for await (const frame of source.frames(new AbortController().signal)) {
    frames.push(frame);
    if (frames.length === count) break;
  }
  return frames;
}

describe("FolderSource", () => {
  let dir: string;
  let images: Buffer[];
  let folder: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "camera-folder-"));
    const jpegs = await makeJpegs(2);
    images = [jpegs[0]!, await makePng(), jpegs[1]!];
    folder = join(dir, "recording");
    await mkdir(folder);
    // Written out of order, with a name that sorts wrongly as plain text (10 before 2), and a non-image.
    await writeFile(join(folder, "frame-10.jpg"), images[2]!);
    await writeFile(join(folder, "frame-1.jpg"), images[0]!);
    await writeFile(join(folder, "frame-2.PNG"), images[1]!);
    await writeFile(join(folder, "notes.txt"), "not a frame");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("plays the images in name order, numbers read as numbers, and ends without loop", async () => {
    const source = new FolderSource({ path: folder, fps: 1000, loop: false });
    const frames = await take(source, 10);
    expect(frames.map((f) => indexOfBytes(images, f.frame))).toEqual([0, 1, 2]);
    expect(source.health()).toMatchObject({ ok: true, framesDelivered: 3, errors: 0 });
    expect(source.health().message).toMatch(/played all 3 images/);
  });

  it("starts again from the first image when looping", async () => {
    const frames = await take(new FolderSource({ path: folder, fps: 1000, loop: true }), 7);
    expect(frames.map((f) => indexOfBytes(images, f.frame))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it("stamps frames at the configured rate", async () => {
    const clock = virtualClock();
    const frames = await take(new FolderSource({ path: folder, fps: 50, loop: true }, { clock }), 5);
    expect(frames.slice(1).map((f, i) => f.tMs - frames[i]!.tMs)).toEqual([20, 20, 20, 20]);
  });

  it("reports a missing folder, keeps retrying, and plays it once it appears", async () => {
    const later = join(dir, "later");
    const source = new FolderSource({ path: later, fps: 1000, loop: false }, fastRetry);
    const run = collect(source, new AbortController().signal);
    await waitFor("a failure", () => source.health().consecutiveFailures >= 2);
    expect(source.health().ok).toBe(false);
    expect(source.health().message).toMatch(new RegExp(`${later} does not exist \\(failing since \\d{4}-\\d\\d-\\d\\dT`));

    await mkdir(later);
    await waitFor("the empty folder to be reported", () => /holds no images/.test(source.health().message ?? ""));
    await writeFile(join(later, "a.jpg"), images[0]!);
    await run.done;
    expect(run.frames.map((f) => indexOfBytes(images, f.frame))).toEqual([0]);
    expect(source.health()).toMatchObject({ ok: true, consecutiveFailures: 0, framesDelivered: 1 });
    expect(source.health().errors).toBeGreaterThanOrEqual(3);
  });

  it("reports a file that is not an image and moves on to the next", async () => {
    const mixed = join(dir, "mixed");
    await mkdir(mixed);
    await writeFile(join(mixed, "1.jpg"), "<html>not really</html>");
    await writeFile(join(mixed, "2.jpg"), images[2]!);
    const source = new FolderSource({ path: mixed, fps: 1000, loop: false }, fastRetry);
    const frames = await take(source, 5);
    expect(frames.map((f) => indexOfBytes(images, f.frame))).toEqual([2]);
    expect(source.health().errors).toBe(1);
  });

  it("ends promptly when aborted during a long retry wait", async () => {
    const source = new FolderSource({ path: join(dir, "never"), fps: 5, loop: true }, { backoff: { initialMs: 600_000 } });
    const controller = new AbortController();
    const run = collect(source, controller.signal);
    await waitFor("the first failure", () => source.health().errors === 1);
    controller.abort();
    await expect(run.done).resolves.toBeUndefined();
  }, 10_000);
});
