import type { Logger } from "pino";

/** What changed, for live views: coalesce by intersection, then read the state. */
export type ChangeKind = "measures" | "signal" | "status" | "plan" | "events" | "alarm" | "command";
export type ChangeListener = (intersectionId: string | null, kind: ChangeKind) => void;

/** Tells live views what changed; a listener that throws is logged and the others still hear. */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly log: Logger) {}

  /** Listen to changes (for the live stream); returns a function that stops listening. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(intersectionId: string | null, kind: ChangeKind): void {
    for (const listener of this.listeners) {
      try {
        listener(intersectionId, kind);
      } catch (err) {
        this.log.warn({ err }, "change listener failed");
      }
    }
  }
}
