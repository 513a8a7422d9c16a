import type { LoginBackoff } from "./login-backoff.js";

interface Waiting {
  address: string;
  start: () => void;
  refuse: () => void;
}

/**
 * Password checks (a scrypt each, on libuv's few threads) run a few at a time, and logins from
 * addresses with no failed login go first: a flood of bad logins waits behind the devices that
 * log in correctly, and once its address is in backoff its queued attempts are refused without a
 * check. Bounded: beyond `maxWaiting` a login is refused at once.
 */
export class LoginQueue {
  private readonly clean: Waiting[] = [];
  private readonly suspect: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly backoff: LoginBackoff,
    private readonly options: { maxConcurrent: number; maxWaiting: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Run `check` when its turn comes; resolves "refused" when the address must wait or the queue is full. */
  run<T>(address: string, check: () => Promise<T>): Promise<T | "refused"> {
    if (this.backoff.waitMs(address, this.now()) > 0) return Promise.resolve("refused");
    if (this.clean.length + this.suspect.length >= this.options.maxWaiting) return Promise.resolve("refused");
    return new Promise<T | "refused">((resolve, reject) => {
      const entry: Waiting = {
        address,
        refuse: () => resolve("refused"),
        start: () => {
          this.running++;
          check()
            .then(resolve, reject)
            .finally(() => {
              this.running--;
              this.pump();
            });
        },
      };
      (this.backoff.failures(address) === 0 ? this.clean : this.suspect).push(entry);
      this.pump();
    });
  }

  get waiting(): number {
    return this.clean.length + this.suspect.length;
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrent) {
      const next = this.next();
      if (!next) return;
      if (this.backoff.waitMs(next.address, this.now()) > 0) next.refuse();
      else next.start();
    }
  }

  /** The first clean entry (moving those whose address has since failed to the suspect queue), else the first suspect one. */
  private next(): Waiting | undefined {
    while (this.clean.length > 0) {
      const entry = this.clean.shift()!;
      if (this.backoff.failures(entry.address) === 0) return entry;
      this.suspect.push(entry);
    }
    return this.suspect.shift();
  }
}
