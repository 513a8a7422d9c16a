export interface PublishRateOptions {
  /** Sustained messages per second one device may publish. */
  perSecond: number;
  /** Messages it may publish at once above that (a reconnect's backlog). */
  burst: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** A token bucket per device: `take` says whether one more message fits. Pure: callers pass times. */
export class PublishRate {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: PublishRateOptions) {}

  take(device: string, nowMs: number): boolean {
    let bucket = this.buckets.get(device);
    if (!bucket) {
      bucket = { tokens: this.options.burst, atMs: nowMs };
      this.buckets.set(device, bucket);
    }
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.options.perSecond);
    bucket.atMs = nowMs;
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }
}
