import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Outbox, type OutboxMessage } from "./outbox.js";

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "outbox-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function message(n: number): OutboxMessage {
  return { topic: "traffic/v1/r1/i1/measures", body: JSON.stringify({ n }), qos: 1 };
}
function numbersOf(entries: Iterable<{ message: OutboxMessage }>): number[] {
  return [...entries].map((e) => (JSON.parse(e.message.body) as { n: number }).n);
}
async function appendRange(outbox: Outbox, from: number, to: number): Promise<number[]> {
  const ids: number[] = [];
  for (let n = from; n < to; n++) ids.push(await outbox.append(message(n)));
  return ids;
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("Outbox", () => {
  it("hands messages back in the order they were appended, with increasing ids", async () => {
    const outbox = await Outbox.open(await freshDir());
    // Appends made together share one write; their order must still be the call order.
    const ids = await Promise.all(range(0, 50).map((n) => outbox.append(message(n))));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(50);
    expect(numbersOf(outbox.peek(100))).toEqual(range(0, 50));
    expect(numbersOf(outbox)).toEqual(range(0, 50));
    expect(outbox.pending).toBe(50);
    await outbox.close();
  });

  it("peeks after a given id so a sender can continue past what it already sent", async () => {
    const outbox = await Outbox.open(await freshDir());
    const ids = await appendRange(outbox, 0, 10);
    expect(numbersOf(outbox.peek(3, ids[4]))).toEqual([5, 6, 7]);
    expect(outbox.peek(3, ids[9])).toEqual([]);
    await outbox.close();
  });

  it("removes acked messages from the front and keeps the rest", async () => {
    const outbox = await Outbox.open(await freshDir());
    const ids = await appendRange(outbox, 0, 20);
    outbox.ack(5);
    expect(outbox.pending).toBe(15);
    expect(numbersOf(outbox.peek(2))).toEqual([5, 6]);
    expect(outbox.ackThrough(ids[9]!)).toBe(5);
    expect(numbersOf(outbox.peek(1))).toEqual([10]);
    expect(outbox.isPending(ids[9]!)).toBe(false);
    expect(outbox.isPending(ids[10]!)).toBe(true);
    expect(() => outbox.ack(11)).toThrow(/count must be an integer 0–10, got 11/);
    await outbox.close();
  });

  it("recovers pending messages and the delivered cursor after a restart", async () => {
    const dir = await freshDir();
    const first = await Outbox.open(dir);
    const ids = await appendRange(first, 0, 30);
    first.ack(12);
    await first.close();

    const second = await Outbox.open(dir);
    expect(second.pending).toBe(18);
    expect(numbersOf(second)).toEqual(range(12, 30));
    const newId = await second.append(message(30));
    expect(newId).toBeGreaterThan(ids[29]!);
    expect(numbersOf(second.peek(100))).toEqual(range(12, 31));
    await second.close();
  });

  it("ignores a torn last line left by a crash and appends cleanly after it", async () => {
    const dir = await freshDir();
    const first = await Outbox.open(dir);
    await appendRange(first, 0, 5);
    await first.close();
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith("seg-"));
    await appendFile(join(dir, segment!), '{"id":5,"topic":"traffic/v1/r1/i1/measures","bo');

    const second = await Outbox.open(dir);
    expect(numbersOf(second)).toEqual(range(0, 5));
    await appendRange(second, 5, 8);
    await second.close();

    const third = await Outbox.open(dir);
    expect(numbersOf(third)).toEqual(range(0, 8));
    const lines = (await readFile(join(dir, segment!), "utf8")).trimEnd().split("\n");
    expect(lines.every((line) => JSON.parse(line) !== null)).toBe(true);
    await third.close();
  });

  it("redelivers everything stored when the cursor file is unreadable, rather than losing it", async () => {
    const dir = await freshDir();
    const first = await Outbox.open(dir);
    await appendRange(first, 0, 6);
    first.ack(4);
    await first.close();
    await writeFile(join(dir, "cursor.json"), "{not json");
    const second = await Outbox.open(dir);
    // The delivered segment was not deleted (it is the one being written), so all 6 come back.
    expect(numbersOf(second)).toEqual(range(0, 6));
    await second.close();
  });

  it("starts new segments as they fill and deletes those wholly delivered", async () => {
    const dir = await freshDir();
    const outbox = await Outbox.open(dir, { segmentBytes: 256 });
    await appendRange(outbox, 0, 40);
    const segmentsBefore = (await readdir(dir)).filter((n) => n.startsWith("seg-"));
    expect(segmentsBefore.length).toBeGreaterThan(4);

    outbox.ack(38);
    await outbox.flush();
    const segmentsAfter = (await readdir(dir)).filter((n) => n.startsWith("seg-"));
    expect(segmentsAfter.length).toBeLessThan(segmentsBefore.length);
    expect(segmentsAfter.length).toBeLessThanOrEqual(2);
    await outbox.close();

    const reopened = await Outbox.open(dir, { segmentBytes: 256 });
    expect(numbersOf(reopened)).toEqual([38, 39]);
    reopened.ack(2);
    await appendRange(reopened, 40, 42);
    expect(numbersOf(reopened)).toEqual([40, 41]);
    await reopened.close();
  });

  it("drops the oldest messages beyond maxMessages, counts them and keeps the newest", async () => {
    const dir = await freshDir();
    const drops: number[] = [];
    const outbox = await Outbox.open(dir, { maxMessages: 10 }, { onDrop: (now) => drops.push(now) });
    await appendRange(outbox, 0, 25);
    expect(outbox.pending).toBe(10);
    expect(outbox.droppedCount).toBe(15);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(15);
    expect(numbersOf(outbox)).toEqual(range(15, 25));
    await outbox.close();

    const reopened = await Outbox.open(dir, { maxMessages: 10 });
    expect(reopened.droppedCount).toBe(15);
    expect(numbersOf(reopened)).toEqual(range(15, 25));
    await reopened.close();
  });

  it("drops the oldest messages beyond maxBytes", async () => {
    const outbox = await Outbox.open(await freshDir(), { maxBytes: 2048 });
    await appendRange(outbox, 0, 100);
    expect(outbox.pendingBytes).toBeLessThanOrEqual(2048);
    expect(outbox.pending + outbox.droppedCount).toBe(100);
    const kept = numbersOf(outbox);
    expect(kept).toEqual(range(100 - kept.length, 100));
    await outbox.close();
  });

  it("keeps ackThrough right when the oldest were dropped after the sender peeked", async () => {
    const outbox = await Outbox.open(await freshDir(), { maxMessages: 5 });
    await appendRange(outbox, 0, 5);
    const sent = outbox.peek(3);
    await appendRange(outbox, 5, 7); // drops 0 and 1 while 0–2 are "in flight"
    outbox.ackThrough(sent[2]!.id);
    expect(numbersOf(outbox)).toEqual([3, 4, 5, 6]);
    await outbox.close();
  });

  it("refuses a malformed message and a message that could never fit, naming the problem", async () => {
    const outbox = await Outbox.open(await freshDir(), { maxBytes: 1024 });
    await expect(outbox.append({ topic: "", body: "x", qos: 1 })).rejects.toThrow(/outbox\.message\.topic/);
    await expect(outbox.append({ topic: "t", body: "x".repeat(2000), qos: 1 })).rejects.toThrow(/can never fit in maxBytes 1024/);
    expect(outbox.pending).toBe(0);
    await outbox.close();
    await expect(outbox.append(message(1))).rejects.toThrow(/closed/);
  });

  it("rejects bad options with the field named", async () => {
    await expect(Outbox.open(await freshDir(), { maxMessages: 0 })).rejects.toThrow(/outbox\.maxMessages/);
  });
});
