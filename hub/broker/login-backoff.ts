import { backoffDelayMs, type BackoffOptions } from "../../common/backoff.js";

export interface LoginBackoffOptions {
  /** Failed logins from one address allowed before it has to wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Addresses remembered at most (the oldest forgotten first), so a spoofed flood stays bounded. */
  maxAddresses: number;
}

interface Entry {
  failures: number;
  blockedUntilMs: number;
}

/**
 * Per-address backoff on failed logins: after a few failures an address waits, doubling, before
 * its next login is even checked. A refused-while-waiting login costs no password hash, so a flood
 * of bad logins from one place cannot take the hashing threads from devices elsewhere. Pure.
 */
export class LoginBackoff {
  private readonly entries = new Map<string, Entry>();

  /** A penalty, not a retry: no jitter, so an attacker gains nothing by guessing it. */
  private readonly delays: BackoffOptions;

  constructor(private readonly options: LoginBackoffOptions) {
    this.delays = { initialMs: options.baseDelayMs, maxMs: options.maxDelayMs, factor: 2, jitter: 0 };
  }

  /** Milliseconds `address` must still wait before a login is checked; 0 when it may try now. */
  waitMs(address: string, nowMs: number): number {
    const entry = this.entries.get(address);
    return entry ? Math.max(0, entry.blockedUntilMs - nowMs) : 0;
  }

  /** Failed logins remembered for `address` (0 when none, or after a success). */
  failures(address: string): number {
    return this.entries.get(address)?.failures ?? 0;
  }

  failed(address: string, nowMs: number): void {
    const entry = this.entries.get(address) ?? { failures: 0, blockedUntilMs: 0 };
    entry.failures++;
    const over = entry.failures - this.options.freeFailures;
    if (over >= 0) entry.blockedUntilMs = nowMs + backoffDelayMs(over, this.delays);
    // Re-inserted, so the Map's order is least recently failed first.
    this.entries.delete(address);
    this.entries.set(address, entry);
    while (this.entries.size > this.options.maxAddresses) this.entries.delete(this.entries.keys().next().value!);
  }

  succeeded(address: string): void {
    this.entries.delete(address);
  }

  get size(): number {
    return this.entries.size;
  }
}
