/** A part of the hub with a lifetime: started by the composition root, stopped in reverse order. */
export interface Feature {
  /** Release what it holds; never throws for a clean stop. */
  stop(): void | Promise<void>;
}

/** Features in start order; `stop()` stops them newest first, so nothing stops under a feature that uses it. */
export class Features {
  private readonly started: { name: string; feature: Feature }[] = [];

  constructor(private readonly onStopError: (name: string, err: unknown) => void) {}

  add<F extends Feature>(name: string, feature: F): F {
    this.started.push({ name, feature });
    return feature;
  }

  async stop(): Promise<void> {
    for (const { name, feature } of this.started.splice(0).reverse()) {
      try {
        await feature.stop();
      } catch (err) {
        this.onStopError(name, err);
      }
    }
  }
}

/** A periodic job as a feature: `work` every `intervalMs` on the hub's clock, off the process's keep-alive. */
export function every(intervalMs: number, now: () => number, work: (nowMs: number) => void): Feature {
  const timer = setInterval(() => work(now()), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
