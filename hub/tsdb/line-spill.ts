import { mkdirSync, readdirSync, statSync } from "node:fs";
import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** `seg-<order>-<firstAtMs>-<lines>.lp.gz`: the name says what a segment holds without reading it. */
const SEGMENT_NAME = /^seg-(\d+)-(\d+)-(\d+)\.lp\.gz$/;

interface Segment {
  file: string;
  order: number;
  atMs: number;
  lines: number;
  bytes: number;
}

export interface SpilledBatch {
  lines: string[];
  /** When the oldest of them was accepted. */
  atMs: number;
}

/**
 * Time-series lines the memory queue has no room for, kept on disk in gzipped segments (line
 * protocol compresses about tenfold) and given back oldest segment first. Segments outlive the
 * process, so lines waiting at a restart are delivered by the next run. Bounded by `maxBytes`:
 * beyond it the oldest segment is dropped (and reported).
 */
export class LineSpill {
  private readonly segments: Segment[] = [];
  private pending: string[] = [];
  private pendingAtMs = 0;
  private nextOrder = 0;
  private bytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private segmentsOnDiskLines = 0;
  private writingLines = 0;
  /** Lines of a segment being read back: still held here until `take` hands them over. */
  private takingLines = 0;

  constructor(
    readonly dir: string,
    private readonly options: { maxBytes: number; segmentLines: number; onDrop: (lines: number, error?: unknown) => void },
  ) {
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir)) {
      const m = SEGMENT_NAME.exec(file);
      if (!m) continue;
      const segment = { file, order: Number(m[1]), atMs: Number(m[2]), lines: Number(m[3]), bytes: statSync(join(dir, file)).size };
      this.segments.push(segment);
      this.bytes += segment.bytes;
      this.segmentsOnDiskLines += segment.lines;
    }
    this.segments.sort((a, b) => a.order - b.order);
    this.nextOrder = (this.segments.at(-1)?.order ?? -1) + 1;
  }

  /** Lines held: on disk, being written, and waiting to fill a segment. */
  get lines(): number {
    return this.segmentsOnDiskLines + this.writingLines + this.takingLines + this.pending.length;
  }

  get diskBytes(): number {
    return this.bytes;
  }

  add(lines: readonly string[], atMs: number): void {
    for (const line of lines) {
      if (this.pending.length === 0) this.pendingAtMs = atMs;
      this.pending.push(line);
      if (this.pending.length >= this.options.segmentLines) this.writePending();
    }
  }

  /** Write what waits in memory as a segment; resolves when every segment so far is on disk. */
  flush(): Promise<void> {
    if (this.pending.length > 0) this.writePending();
    return this.writing;
  }

  /** The oldest lines held (a segment, or what waits in memory when no segment is left), or null. */
  async take(): Promise<SpilledBatch | null> {
    await this.writing;
    const segment = this.segments.shift();
    if (!segment) {
      if (this.pending.length === 0) return null;
      const batch = { lines: this.pending, atMs: this.pendingAtMs };
      this.pending = [];
      return batch;
    }
    this.bytes -= segment.bytes;
    this.segmentsOnDiskLines -= segment.lines;
    this.takingLines += segment.lines;
    const path = join(this.dir, segment.file);
    try {
      const text = (await gunzipAsync(await readFile(path))).toString("utf8");
      await unlink(path);
      return { lines: text.length === 0 ? [] : text.split("\n"), atMs: segment.atMs };
    } catch (error) {
      this.options.onDrop(segment.lines, error);
      await unlink(path).catch(() => undefined);
      return { lines: [], atMs: segment.atMs };
    } finally {
      this.takingLines -= segment.lines;
    }
  }

  private writePending(): void {
    const lines = this.pending;
    const atMs = this.pendingAtMs;
    this.pending = [];
    const order = this.nextOrder++;
    const file = `seg-${String(order).padStart(12, "0")}-${atMs}-${lines.length}.lp.gz`;
    this.writingLines += lines.length;
    this.writing = this.writing.then(async () => {
      try {
        const body = await gzipAsync(Buffer.from(lines.join("\n")));
        await writeFile(join(this.dir, file), body);
        this.segments.push({ file, order, atMs, lines: lines.length, bytes: body.length });
        this.bytes += body.length;
        this.segmentsOnDiskLines += lines.length;
        while (this.bytes > this.options.maxBytes && this.segments.length > 1) {
          const oldest = this.segments.shift()!;
          this.bytes -= oldest.bytes;
          this.segmentsOnDiskLines -= oldest.lines;
          await unlink(join(this.dir, oldest.file)).catch(() => undefined);
          this.options.onDrop(oldest.lines);
        }
      } catch (error) {
        this.options.onDrop(lines.length, error);
      } finally {
        this.writingLines -= lines.length;
      }
    });
  }
}
