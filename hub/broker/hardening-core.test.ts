import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientIdOwners } from "./client-id-owners.js";
import { LoginBackoff } from "./login-backoff.js";
import { LoginQueue } from "./login-queue.js";
import { MqttFrameScanner } from "./packet-size-guard.js";
import { PublishRate } from "./publish-rate.js";

/** An MQTT fixed header: type byte and the remaining length as a variable byte integer. */
function header(type: number, length: number): number[] {
  const out = [type];
  let x = length;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    out.push(byte);
  } while (x > 0);
  return out;
}

describe("MqttFrameScanner", () => {
  it("finds the first oversized packet however the stream is split into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (lengths, cuts) => {
          const limit = 1500;
          const bytes = Buffer.from(lengths.flatMap((n) => [...header(0x30, n), ...new Array<number>(n).fill(7)]));
          const expected = lengths.find((n) => n > limit) ?? null;
          const scanner = new MqttFrameScanner();
          let found: number | null = null;
          for (let at = 0, i = 0; at < bytes.length && found === null; i++) {
            const size = cuts[i % cuts.length]!;
            found = scanner.scan(bytes.subarray(at, at + size), () => limit);
            at += size;
          }
          expect(found).toBe(expected);
        },
      ),
      { seed: 12, verbose: true },
    );
    console.log("MqttFrameScanner property seed 12");
  });

  it("asks for the limit per packet, so it can rise after a login", () => {
    let loggedIn = false;
    const scanner = new MqttFrameScanner();
    expect(scanner.scan(Buffer.from([...header(0x10, 10), ...new Array<number>(10).fill(0)]), () => (loggedIn ? 100 : 20))).toBeNull();
    loggedIn = true;
    expect(scanner.scan(Buffer.from(header(0x30, 50)), () => (loggedIn ? 100 : 20))).toBeNull();
    expect(scanner.packets).toBe(2);
  });

  it("reports a remaining length longer than four bytes as malformed", () => {
    expect(new MqttFrameScanner().scan(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff]), () => 1e9)).toBe(-1);
  });
});

describe("LoginBackoff", () => {
  const options = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, maxAddresses: 2 };
  it("lets an address fail a few times, then doubles its wait up to the maximum, and forgets it on success", () => {
    const b = new LoginBackoff(options);
    b.failed("x", 0);
    b.failed("x", 0);
    expect(b.waitMs("x", 0)).toBe(0);
    b.failed("x", 0);
    expect(b.waitMs("x", 0)).toBe(1000);
    b.failed("x", 0);
    expect(b.waitMs("x", 0)).toBe(2000);
    for (let i = 0; i < 10; i++) b.failed("x", 0);
    expect(b.waitMs("x", 0)).toBe(8000);
    expect(b.waitMs("x", 8000)).toBe(0);
    b.succeeded("x");
    b.failed("x", 0);
    expect(b.waitMs("x", 0)).toBe(0);
  });

  it("remembers a bounded number of addresses, forgetting the least recently failed", () => {
    const b = new LoginBackoff({ ...options, freeFailures: 0 });
    b.failed("a", 0);
    b.failed("b", 0);
    b.failed("a", 0);
    b.failed("c", 0);
    expect(b.size).toBe(2);
    expect(b.waitMs("b", 0)).toBe(0);
    expect(b.waitMs("a", 0)).toBeGreaterThan(0);
  });
});

describe("ClientIdOwners", () => {
  it("gives an id to the first account and refuses it to others; an account keeps its newest ids only", () => {
    const owners = new ClientIdOwners(2);
    expect(owners.claim("edge-1", "dev-1")).toBe(true);
    expect(owners.claim("edge-1", "dev-2")).toBe(false);
    expect(owners.claim("edge-1", "dev-1")).toBe(true);
    expect(owners.claim("x", "dev-2")).toBe(true);
    expect(owners.claim("y", "dev-2")).toBe(true);
    expect(owners.claim("z", "dev-2")).toBe(true);
    expect(owners.ownerOf("x")).toBeUndefined();
    expect(owners.ownerOf("edge-1")).toBe("dev-1");
  });
});

describe("PublishRate", () => {
  it("allows a burst, then the sustained rate", () => {
    const rate = new PublishRate({ perSecond: 10, burst: 5 });
    const first = Array.from({ length: 7 }, () => rate.take("d", 0));
    expect(first).toEqual([true, true, true, true, true, false, false]);
    expect(rate.take("d", 100)).toBe(true);
    expect(rate.take("d", 100)).toBe(false);
    expect(rate.take("other", 100)).toBe(true);
  });
});

describe("LoginQueue", () => {
  it("runs logins from clean addresses before those from addresses that failed, and refuses blocked ones unchecked", async () => {
    const backoff = new LoginBackoff({ freeFailures: 2, baseDelayMs: 60_000, maxDelayMs: 60_000, maxAddresses: 100 });
    const queue = new LoginQueue(backoff, { maxConcurrent: 1, maxWaiting: 100 }, () => 0);
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const check = (name: string, address: string, ok: boolean) => () =>
      new Promise<boolean>((resolve) => {
        order.push(name);
        gates.push(() => {
          if (ok) backoff.succeeded(address);
          else backoff.failed(address, 0);
          resolve(ok);
        });
      });
    const results = [
      queue.run("bad", check("bad-1", "bad", false)),
      queue.run("bad", check("bad-2", "bad", false)),
      queue.run("bad", check("bad-3", "bad", false)),
      queue.run("good", check("good-1", "good", true)),
    ];
    const release = async (): Promise<void> => {
      while (gates.length > 0) {
        gates.shift()!();
        await new Promise((r) => setTimeout(r, 0));
      }
    };
    await release();
    // bad-1 ran first; once it failed, the good login jumped the queue; bad-2 failed too and bad-3 was refused unchecked.
    expect(order).toEqual(["bad-1", "good-1", "bad-2"]);
    expect(await Promise.all(results)).toEqual([false, false, "refused", true]);
    expect(await queue.run("bad", check("bad-4", "bad", false))).toBe("refused");
  });

  it("refuses at once when too many logins wait", async () => {
    const backoff = new LoginBackoff({ freeFailures: 5, baseDelayMs: 1, maxDelayMs: 1, maxAddresses: 100 });
    const queue = new LoginQueue(backoff, { maxConcurrent: 1, maxWaiting: 1 });
    const never = () => new Promise<boolean>(() => undefined);
    void queue.run("a", never);
    void queue.run("b", never);
    expect(await queue.run("c", never)).toBe("refused");
  });
});
