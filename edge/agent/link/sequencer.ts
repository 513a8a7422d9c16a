import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";

/** On disk: every seq below `reservedUpTo` may have been issued by an earlier run. */
const SeqFile = z.object({
  version: z.literal(1),
  reservedUpTo: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
type SeqFile = z.infer<typeof SeqFile>;

export interface SequencerOptions {
  /** Seqs reserved per write; a restart skips what was left of the block. */
  blockSize?: number;
  fsync?: boolean;
  logger?: Logger;
  /** Where a lost or unreadable file restarts from when the device must not repeat old seqs. */
  now?: () => number;
}

/**
 * The sender's monotonically increasing `seq`, kept increasing across restarts. The file stores a
 * high-water mark a block ahead, so it is written once per `blockSize` messages rather than once
 * each; the price is a gap of up to a block after each restart, which receivers already tolerate
 * (dropped messages leave gaps too).
 */
export class Sequencer {
  private nextSeq: number;
  private reservedUpTo: number;
  private readonly blockSize: number;
  private readonly fsync: boolean;

  private constructor(
    readonly path: string,
    start: number,
    options: SequencerOptions,
  ) {
    this.nextSeq = start;
    this.reservedUpTo = start;
    this.blockSize = options.blockSize ?? 1000;
    this.fsync = options.fsync ?? true;
    if (!Number.isInteger(this.blockSize) || this.blockSize < 1) {
      throw new RangeError(`sequencer.blockSize must be a positive integer, got ${this.blockSize}`);
    }
  }

  /**
   * Open the sequence stored at `path`. A missing file starts at 0 (a new device); an unreadable
   * one restarts from the clock in ms, which is above any seq a device could have issued at fewer
   * than one message per millisecond, so the hub never sees seqs go backwards.
   */
  static open(path: string, options: SequencerOptions = {}): Sequencer {
    const log = options.logger ?? pino({ level: "silent" });
    let start = 0;
    let text: string | undefined;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        start = parseOrThrow(SeqFile, JSON.parse(text), "sequencer").reservedUpTo;
      } catch (err) {
        start = Math.floor((options.now ?? Date.now)());
        log.error({ err, path, start }, "sequencer: unreadable seq file, restarting the sequence from the clock");
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    return new Sequencer(path, start, options);
  }

  /** The next seq; writes the file (synchronously, once per block) before handing out a new block. */
  next(): number {
    if (this.nextSeq >= this.reservedUpTo) this.reserve(this.nextSeq + this.blockSize);
    return this.nextSeq++;
  }

  /** The seq `next()` will return. */
  peek(): number {
    return this.nextSeq;
  }

  private reserve(upTo: number): void {
    const state: SeqFile = { version: 1, reservedUpTo: upTo };
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(state) + "\n");
      if (this.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.reservedUpTo = upTo;
  }
}
