/**
 * Bytes received and not yet consumed, in one contiguous buffer that is reused: appending
 * compacts or doubles it, so a part arriving in many small chunks is not copied once per chunk.
 */
export class ByteQueue {
  private data: Buffer;
  private start = 0;
  private end = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.data = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Bytes the queue holds in memory, consumed or not: what a cap must bound. */
  get capacity(): number {
    return this.data.length;
  }

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.data.length) {
      const needed = this.length + chunk.length;
      if (needed <= this.data.length) {
        this.data.copyWithin(0, this.start, this.end);
      } else {
        const bigger = Buffer.allocUnsafe(Math.max(needed, this.data.length * 2));
        this.data.copy(bigger, 0, this.start, this.end);
        this.data = bigger;
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.data.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The unconsumed bytes, without copying: valid until the next append. */
  view(): Buffer {
    return this.data.subarray(this.start, this.end);
  }

  consume(count: number): void {
    this.start = Math.min(this.end, this.start + count);
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
  }
}
