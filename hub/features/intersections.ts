import type { HubIntersection } from "../config.js";
import type { IntersectionStore } from "../ingest/index.js";

/** The intersections this hub knows: those configured, and any others heard of (in the store). */
export class Intersections {
  private readonly configured: Map<string, HubIntersection>;

  constructor(
    configured: readonly HubIntersection[],
    readonly store: IntersectionStore,
  ) {
    this.configured = new Map(configured.map((x) => [x.intersectionId, x]));
  }

  /** Configured, in configuration order. */
  list(): HubIntersection[] {
    return [...this.configured.values()];
  }

  get(id: string): HubIntersection | undefined {
    return this.configured.get(id);
  }

  /** Configured or heard of. */
  has(id: string): boolean {
    return this.configured.has(id) || this.store.get(id) !== undefined;
  }

  get configuredCount(): number {
    return this.configured.size;
  }

  /** Where to publish to it: the configured region, else the one it was heard in. Throws for an unknown intersection. */
  regionOf(id: string): string {
    const region = this.configured.get(id)?.region ?? this.store.get(id)?.region;
    if (!region) throw new Error(`unknown intersection ${id}`);
    return region;
  }
}
