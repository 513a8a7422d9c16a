import { mkdir, open, readdir, readFile, rename, rm, truncate, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { formatIssues, parseOrThrow, ValidationError } from "../../../protocol/index.js";

/**
 * A bounded, on-disk FIFO of outgoing MQTT messages, so what the agent produced while the link was
 * down survives a restart (mqtt.js only queues in memory, unbounded).
 *
 * On disk: `seg-<first id>.jsonl` segment files, one JSON line per message carrying its own `id`,
 * and `cursor.json` (written tmp + rename) holding the id of the first message not yet delivered
 * or dropped. Appends in the same tick share one write and one fsync. A torn last line (a crash
 * mid-write) was never acknowledged to its caller and is cut off on open. Segments wholly behind
 * the cursor are deleted. The cursor is saved lazily after acks, so a crash can redeliver a few
 * messages: delivery is at least once, as QoS 1 is anyway.
 *
 * Pending messages are also held in memory, so the bounds are the memory bound too.
 */
export const OutboxMessage = z.object({
  topic: z.string().min(1).max(65_535),
  body: z.string(),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

export const OutboxOptions = z.object({
  /** Bytes of pending messages (as stored, one JSON line each) kept before the oldest are dropped. */
  maxBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
  /** Pending messages kept before the oldest are dropped. */
  maxMessages: z.number().int().min(1).default(200_000),
  /** A new segment file is started once the current one reaches this size. */
  segmentBytes: z.number().int().min(256).default(1024 * 1024),
  /** fsync every batch of appends before `append` resolves (and the cursor before it replaces the old one). */
  fsync: z.boolean().default(true),
});
export type OutboxOptions = z.infer<typeof OutboxOptions>;
export type OutboxOptionsInput = z.input<typeof OutboxOptions>;

export interface OutboxHooks {
  logger?: Logger;
  /** Called after the oldest messages were dropped to stay within the bounds. */
  onDrop?: (droppedNow: number, droppedTotal: number) => void;
}

export interface OutboxEntry {
  /** Increases with every append, across restarts; gaps are possible. */
  readonly id: number;
  readonly message: OutboxMessage;
}

interface StoredEntry extends OutboxEntry {
  readonly bytes: number;
}

interface Segment {
  path: string;
  firstId: number;
  /** Highest id stored in it; `firstId - 1` while it holds none. */
  lastId: number;
  bytes: number;
  /** Set after a failed write could not be undone: never append to it again. */
  sealed: boolean;
}

interface QueuedAppend {
  message: OutboxMessage;
  resolve: (id: number) => void;
  reject: (err: Error) => void;
}

const StoredLine = OutboxMessage.extend({ id: z.number().int().nonnegative() });

const Cursor = z.object({
  version: z.literal(1),
  /** Every id below this was delivered or dropped. */
  nextId: z.number().int().nonnegative(),
  droppedTotal: z.number().int().nonnegative(),
});
type Cursor = z.infer<typeof Cursor>;

const SEGMENT_NAME = /^seg-(\d{16})\.jsonl$/;
const CURSOR_FILE = "cursor.json";
const NEWLINE = 0x0a;

function segmentName(firstId: number): string {
  return `seg-${String(firstId).padStart(16, "0")}.jsonl`;
}

export class Outbox {
  private readonly log: Logger;
  private readonly onDrop: OutboxHooks["onDrop"];
  /** Pending entries live in `entries[head..]`; the consumed prefix is trimmed now and then. */
  private entries: StoredEntry[] = [];
  private head = 0;
  private pendingBytesNow = 0;
  private nextId: number;
  private cursorNextId: number;
  private droppedTotal: number;
  private cursorDirty = false;
  private segments: Segment[];
  private writeHandle: FileHandle | undefined;
  private queue: QueuedAppend[] = [];
  private ioRunning = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly options: OutboxOptions,
    hooks: OutboxHooks,
    state: { segments: Segment[]; entries: StoredEntry[]; nextId: number; cursor: Cursor },
  ) {
    this.log = hooks.logger ?? pino({ level: "silent" });
    this.onDrop = hooks.onDrop;
    this.segments = state.segments;
    this.entries = state.entries;
    for (const e of state.entries) this.pendingBytesNow += e.bytes;
    this.nextId = state.nextId;
    this.cursorNextId = state.cursor.nextId;
    this.droppedTotal = state.cursor.droppedTotal;
  }

  /** Open (or create) the outbox in `dir`, recovering what a previous run left there. */
  static async open(dir: string, options: OutboxOptionsInput = {}, hooks: OutboxHooks = {}): Promise<Outbox> {
    const opts = parseOrThrow(OutboxOptions, options, "outbox");
    const log = hooks.logger ?? pino({ level: "silent" });
    await mkdir(dir, { recursive: true });
    const cursor = await readCursor(dir, log);
    const names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    const segments: Segment[] = [];
    const entries: StoredEntry[] = [];
    let maxId = -1;
    let corrupt = 0;
    for (const [i, name] of names.entries()) {
      const path = join(dir, name);
      const firstId = Number(SEGMENT_NAME.exec(name)![1]);
      const data = await readFile(path);
      const lastNewline = data.lastIndexOf(NEWLINE);
      const validBytes = lastNewline + 1;
      if (validBytes < data.length) {
        // A torn tail: its append never resolved, so nobody was promised it. Cut it off so the
        // next line we append starts on a line of its own.
        log.warn({ segment: name, tornBytes: data.length - validBytes }, "outbox: ignoring a torn last line");
        if (i === names.length - 1) await truncate(path, validBytes);
      }
      const segment: Segment = { path, firstId, lastId: firstId - 1, bytes: validBytes, sealed: i !== names.length - 1 };
      let start = 0;
      while (start < validBytes) {
        const end = data.indexOf(NEWLINE, start);
        const line = data.toString("utf8", start, end);
        start = end + 1;
        const stored = parseStoredLine(line);
        if (!stored || stored.id <= maxId) {
          corrupt++;
          continue;
        }
        maxId = stored.id;
        segment.lastId = stored.id;
        if (stored.id >= cursor.nextId) {
          const { id, ...message } = stored;
          entries.push({ id, message, bytes: Buffer.byteLength(line) + 1 });
        }
      }
      segments.push(segment);
    }
    if (corrupt > 0) log.error({ dir, corrupt }, `outbox: skipped ${corrupt} unreadable lines`);
    const lastFirstId = segments.length > 0 ? segments[segments.length - 1]!.firstId : 0;
    const nextId = Math.max(cursor.nextId, maxId + 1, lastFirstId);
    const outbox = new Outbox(dir, opts, hooks, { segments, entries, nextId, cursor });
    // The bounds may have shrunk since the last run.
    outbox.enforceBounds();
    if (outbox.pending > 0) log.info({ pending: outbox.pending }, "outbox: recovered pending messages");
    return outbox;
  }

  /** Messages waiting for delivery. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  get pendingBytes(): number {
    return this.pendingBytesNow;
  }

  /** Messages dropped to stay within the bounds, over the outbox's whole life (kept across restarts). */
  get droppedCount(): number {
    return this.droppedTotal;
  }

  /**
   * Queue `message`; resolves with its id once it is written (and fsynced when `fsync` is on).
   * Appends made together are written together, in call order.
   */
  append(message: OutboxMessage): Promise<number> {
    if (this.closed) return Promise.reject(new Error("outbox is closed"));
    const parsed = OutboxMessage.safeParse(message);
    if (!parsed.success) return Promise.reject(new ValidationError(formatIssues("outbox.message", parsed.error)));
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ message: parsed.data, resolve, reject });
      this.kick();
    });
  }

  /** The first `count` pending messages, oldest first; with `afterId`, those after that id. */
  peek(count: number, afterId = -1): OutboxEntry[] {
    let from = this.head;
    if (afterId >= 0) {
      // Ids increase along the queue: binary search for the first one after `afterId`.
      let lo = this.head;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.entries[mid]!.id <= afterId) lo = mid + 1;
        else hi = mid;
      }
      from = lo;
    }
    return this.entries.slice(from, Math.min(this.entries.length, from + Math.max(0, count)));
  }

  *[Symbol.iterator](): IterableIterator<OutboxEntry> {
    for (let i = this.head; i < this.entries.length; i++) yield this.entries[i]!;
  }

  /** Whether the message with this id still waits (neither delivered nor dropped). */
  isPending(id: number): boolean {
    return this.pending > 0 && id >= this.entries[this.head]!.id && id < this.nextId;
  }

  /** Mark the first `count` pending messages delivered. */
  ack(count: number): void {
    if (!Number.isInteger(count) || count < 0 || count > this.pending) {
      throw new RangeError(`outbox.ack: count must be an integer 0–${this.pending}, got ${count}`);
    }
    if (count === 0) return;
    this.removeHead(count);
    this.persistCursorSoon();
  }

  /**
   * Mark every pending message up to and including `id` delivered; returns how many that was.
   * Unlike `ack(count)` it stays right when the oldest were dropped after the caller peeked.
   */
  ackThrough(id: number): number {
    let count = 0;
    while (this.head + count < this.entries.length && this.entries[this.head + count]!.id <= id) count++;
    if (count > 0) {
      this.removeHead(count);
      this.persistCursorSoon();
    }
    return count;
  }

  /** Resolves once everything appended or acked so far is on disk. */
  flush(): Promise<void> {
    if (!this.ioRunning && this.queue.length === 0 && !this.cursorDirty) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.kick();
    });
  }

  /** Finish pending writes, save the cursor and release the files. Later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    await this.writeHandle?.close();
    this.writeHandle = undefined;
  }

  private removeHead(count: number): void {
    const end = this.head + count;
    for (let i = this.head; i < end; i++) this.pendingBytesNow -= this.entries[i]!.bytes;
    this.cursorNextId = Math.max(this.cursorNextId, this.entries[end - 1]!.id + 1);
    this.head = end;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private enforceBounds(): void {
    let drop = 0;
    let bytes = this.pendingBytesNow;
    const count = this.pending;
    while (drop < count && (count - drop > this.options.maxMessages || bytes > this.options.maxBytes)) {
      bytes -= this.entries[this.head + drop]!.bytes;
      drop++;
    }
    if (drop === 0) return;
    this.removeHead(drop);
    this.droppedTotal += drop;
    this.persistCursorSoon();
    this.log.warn({ dropped: drop, droppedTotal: this.droppedTotal }, `outbox full: dropped ${drop} oldest messages`);
    this.onDrop?.(drop, this.droppedTotal);
  }

  private persistCursorSoon(): void {
    this.cursorDirty = true;
    this.kick();
  }

  /** One I/O loop at a time: batches of appends, then the cursor, then deleting consumed segments. */
  private kick(): void {
    if (this.ioRunning) return;
    this.ioRunning = true;
    void this.ioLoop();
  }

  private async ioLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.cursorDirty) {
        if (this.queue.length > 0) await this.writeBatch(this.queue.splice(0));
        if (this.cursorDirty) {
          this.cursorDirty = false;
          if (!(await this.writeCursor())) break;
          await this.deleteConsumedSegments();
        }
      }
    } finally {
      this.ioRunning = false;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }

  private async writeBatch(batch: QueuedAppend[]): Promise<void> {
    // Ids are never reused, even for a failed write: a line that did reach the disk must not
    // share its id with a later message.
    const written: StoredEntry[] = [];
    const lines: string[] = [];
    const accepted: QueuedAppend[] = [];
    for (const item of batch) {
      const line = JSON.stringify({ id: this.nextId, ...item.message }) + "\n";
      const bytes = Buffer.byteLength(line);
      if (bytes > this.options.maxBytes) {
        item.reject(new Error(`outbox: a message of ${bytes} bytes can never fit in maxBytes ${this.options.maxBytes}`));
        continue;
      }
      lines.push(line);
      written.push({ id: this.nextId++, message: item.message, bytes });
      accepted.push(item);
    }
    if (accepted.length === 0) return;
    let segment: Segment | undefined;
    try {
      segment = await this.writableSegment(written[0]!.id);
      const buffer = Buffer.from(lines.join(""));
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesWritten } = await this.writeHandle!.write(buffer, offset, buffer.length - offset);
        offset += bytesWritten;
      }
      if (this.options.fsync) await this.writeHandle!.datasync();
      segment.bytes += buffer.length;
      segment.lastId = written[written.length - 1]!.id;
    } catch (err) {
      await this.recoverFromFailedWrite(segment);
      const error = new Error(`outbox: could not write ${accepted.length} messages to ${this.dir}: ${(err as Error).message}`);
      this.log.error({ err }, error.message);
      for (const item of accepted) item.reject(error);
      return;
    }
    for (const entry of written) {
      this.entries.push(entry);
      this.pendingBytesNow += entry.bytes;
    }
    this.enforceBounds();
    for (const [i, item] of accepted.entries()) item.resolve(written[i]!.id);
  }

  /** Cut a half-written batch off; if even that fails, start a fresh segment so lines stay whole. */
  private async recoverFromFailedWrite(segment: Segment | undefined): Promise<void> {
    if (!segment || !this.writeHandle) return;
    try {
      await this.writeHandle.truncate(segment.bytes);
    } catch {
      segment.sealed = true;
      await this.writeHandle.close().catch(() => undefined);
      this.writeHandle = undefined;
    }
  }

  private async writableSegment(firstId: number): Promise<Segment> {
    const current = this.segments[this.segments.length - 1];
    if (current && !current.sealed && current.bytes < this.options.segmentBytes) {
      this.writeHandle ??= await open(current.path, "a");
      return current;
    }
    await this.writeHandle?.close();
    this.writeHandle = undefined;
    const path = join(this.dir, segmentName(firstId));
    this.writeHandle = await open(path, "a");
    const segment: Segment = { path, firstId, lastId: firstId - 1, bytes: 0, sealed: false };
    this.segments.push(segment);
    if (this.options.fsync) await syncDir(this.dir);
    return segment;
  }

  private async writeCursor(): Promise<boolean> {
    const cursor: Cursor = { version: 1, nextId: this.cursorNextId, droppedTotal: this.droppedTotal };
    const path = join(this.dir, CURSOR_FILE);
    const tmp = `${path}.tmp`;
    try {
      const handle = await open(tmp, "w");
      try {
        await handle.writeFile(JSON.stringify(cursor) + "\n");
        if (this.options.fsync) await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
      return true;
    } catch (err) {
      // Not fatal: an old cursor only means some delivered messages are sent again after a restart.
      this.log.error({ err }, "outbox: could not save the cursor");
      return false;
    }
  }

  /** Segments wholly behind the cursor, except the one being written. */
  private async deleteConsumedSegments(): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.lastId < this.cursorNextId) {
      const segment = this.segments[0]!;
      try {
        await rm(segment.path, { force: true });
      } catch (err) {
        this.log.error({ err, segment: segment.path }, "outbox: could not delete a delivered segment");
        return;
      }
      this.segments.shift();
    }
  }
}

function parseStoredLine(line: string): z.infer<typeof StoredLine> | undefined {
  try {
    const result = StoredLine.safeParse(JSON.parse(line));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

async function readCursor(dir: string, log: Logger): Promise<Cursor> {
  const path = join(dir, CURSOR_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { version: 1, nextId: 0, droppedTotal: 0 };
  }
  try {
    return parseOrThrow(Cursor, JSON.parse(text), "outbox.cursor");
  } catch (err) {
    // Safe fallback: everything still on disk is sent again (at least once, never lost).
    log.error({ err, path }, "outbox: unreadable cursor, redelivering every stored message");
    return { version: 1, nextId: 0, droppedTotal: 0 };
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse to fsync a directory; the data files themselves are synced.
  }
}
