import { describe, expect, it } from "vitest";
import { BAD_USERNAME_OR_PASSWORD, createAuthenticator, type PasswordChecks } from "./accounts.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password.js";

/** The real scrypt checks, counted: every login path must spend exactly one, so timing tells nothing. */
function countedChecks(): { checks: PasswordChecks; count: () => number } {
  let n = 0;
  return {
    checks: {
      verify: async (plain, stored) => (n++, verifyPassword(plain, stored)),
      burn: async (plain) => (n++, burnPasswordCheck(plain)),
    },
    count: () => n,
  };
}

describe("unknown and known users cost the same", () => {
  it("spends exactly one scrypt on every password login, right or wrong, known or unknown", async () => {
    // Built directly: a certificate-only account parses only with a client CA configured.
    const config = {
      allowAnonymous: false,
      hub: null,
      devices: [
        { username: "hashed", passwordHash: await hashPassword("h-secret"), intersectionId: "i1", region: "r" },
        { username: "plain", password: "p-secret", intersectionId: "i2", region: "r" },
        { username: "cert-only", intersectionId: "i3", region: "r" },
      ],
    };
    const counted = countedChecks();
    const auth = createAuthenticator(config, counted.checks);
    const tries: [string, string, boolean][] = [
      ["ghost", "x", false],
      ["hashed", "x", false],
      ["hashed", "h-secret", true],
      ["plain", "x", false],
      ["plain", "p-secret", true],
      ["cert-only", "x", false],
    ];
    for (const [username, password, ok] of tries) {
      const before = counted.count();
      const result = await auth.login(username, Buffer.from(password));
      expect(result.ok, `${username}/${password}`).toBe(ok);
      if (!result.ok) expect(result.returnCode).toBe(BAD_USERNAME_OR_PASSWORD);
      expect(counted.count() - before, `checks spent by ${username}/${password}`).toBe(1);
    }
  });
});
