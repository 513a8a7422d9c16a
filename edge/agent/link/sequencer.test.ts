import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sequencer } from "./sequencer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "seq-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Sequencer", () => {
  it("starts a new device at 0 and counts up by one", () => {
    const seq = Sequencer.open(join(dir, "new", "seq.json"));
    expect([seq.next(), seq.next(), seq.next()]).toEqual([0, 1, 2]);
  });

  it("keeps increasing across restarts, skipping what was left of the reserved block", async () => {
    const path = join(dir, "restart.json");
    const first = Sequencer.open(path, { blockSize: 100 });
    const before = Array.from({ length: 250 }, () => first.next());
    const second = Sequencer.open(path, { blockSize: 100 });
    const after = second.next();
    expect(after).toBeGreaterThan(before[before.length - 1]!);
    expect(after).toBe(300);
    // Written once per block, not per message: the file holds the block's end.
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ version: 1, reservedUpTo: 400 });
  });

  it("restarts from the clock when the file is unreadable, so seqs never go backwards", async () => {
    const path = join(dir, "corrupt.json");
    await writeFile(path, "{garbage");
    const seq = Sequencer.open(path, { now: () => 1_700_000_000_000 });
    expect(seq.next()).toBe(1_700_000_000_000);
  });
});
