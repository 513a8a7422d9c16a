import { appendFile } from "node:fs/promises";
import type { AuditEntry } from "../api/contract.js";

export { AuditEntry } from "../api/contract.js";

/**
 * Who did what, when, and how it ended. Kept in memory (bounded, newest last) for the API, and
 * appended as JSON lines to `file` when one is configured, so the record outlives the process.
 */
export class AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(
    private readonly limit = 10_000,
    private readonly file?: string,
    private readonly onError: (err: Error) => void = () => undefined,
    /** Also called with every entry (the hub's state store keeps them across restarts). */
    private readonly sink: (entry: AuditEntry) => void = () => undefined,
  ) {}

  /** Entries kept from an earlier run, oldest first (not passed to the sink again). */
  load(entries: readonly AuditEntry[]): void {
    this.entries.unshift(...entries.slice(-this.limit));
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  append(entry: AuditEntry): void {
    try {
      this.sink(entry);
    } catch (err) {
      this.onError(err as Error);
    }
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    if (this.file) appendFile(this.file, `${JSON.stringify(entry)}\n`).catch((err: Error) => this.onError(err));
  }

  /** Newest first. */
  list(limit = 100, intersectionId?: string): AuditEntry[] {
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (intersectionId === undefined || e.intersectionId === intersectionId) out.push(e);
    }
    return out;
  }
}
