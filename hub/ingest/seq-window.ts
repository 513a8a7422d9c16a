/**
 * Duplicate filter for one sender's stream of one kind, by the payload's `seq` and `ts`.
 *
 * An agent numbers its messages with a `seq` that keeps increasing across its restarts (it
 * persists it), so per (intersection, kind) we keep the highest `seq` accepted, the newest `ts`
 * accepted, and which of the last `size` sequence numbers below the highest were seen:
 *
 * - `seq` above the highest: new; the window slides up.
 * - otherwise, `ts` newer than every accepted `ts`: the sender lost its counter and started
 *   again (a redelivery or replay always carries the `ts` it was first sent with, and a late
 *   message is older than the ones that overtook it), so the window restarts at this `seq`: new.
 * - `seq` at or below `highest - size`: stale (a replay too old to tell from a duplicate).
 * - `seq` in the window and seen before: duplicate (QoS 1 redelivery, store-and-forward replay).
 * - `seq` in the window and not seen: new, a late arrival overtaken by later ones.
 */
export type SeqVerdict = "new" | "duplicate" | "stale";

export const DEFAULT_SEQ_WINDOW = 256;

export class SeqWindow {
  private highest = -1;
  private newestTs = Number.NEGATIVE_INFINITY;
  // Slot `seq % size` holds the last seq seen there. A slot can only hold `seq` itself if `seq`
  // was seen, since any other occupant differs from it by a multiple of `size`.
  private readonly seen: Float64Array;

  constructor(readonly size: number = DEFAULT_SEQ_WINDOW) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`seq window size must be a positive integer, got ${size}`);
    this.seen = new Float64Array(size).fill(-1);
  }

  /** Judge one message and, if it is new, remember it. */
  check(seq: number, ts: number): SeqVerdict {
    if (seq > this.highest) {
      this.highest = seq;
    } else if (ts > this.newestTs) {
      this.seen.fill(-1);
      this.highest = seq;
    } else if (seq <= this.highest - this.size) {
      return "stale";
    } else if (this.seen[seq % this.size] === seq) {
      return "duplicate";
    }
    this.seen[seq % this.size] = seq;
    if (ts > this.newestTs) this.newestTs = ts;
    return "new";
  }
}
