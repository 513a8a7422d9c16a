import { describe, expect, it } from "vitest";
import { hashPassword, plainSecretsEqual, verifyPassword, PASSWORD_HASH_PATTERN } from "./password.js";

describe("password hashing", () => {
  it("verifies the password a hash was made from and refuses any other", async () => {
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(PASSWORD_HASH_PATTERN);
    expect(await verifyPassword("correct horse", stored)).toBe(true);
    expect(await verifyPassword("correct hors", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash, so equal passwords do not give equal hashes", async () => {
    const [a, b] = await Promise.all([hashPassword("same"), hashPassword("same")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same", b)).toBe(true);
  });

  it("never matches a malformed stored hash", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
    expect(await verifyPassword("x", "scrypt$$")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$AAAA$AAAA")).toBe(false);
  });

  it("refuses to hash an empty password", async () => {
    await expect(hashPassword("")).rejects.toThrow(/empty/);
  });

  it("compares plain secrets exactly, whatever their lengths", () => {
    expect(plainSecretsEqual("dev-secret", "dev-secret")).toBe(true);
    expect(plainSecretsEqual("dev-secret", "dev-secre")).toBe(false);
    expect(plainSecretsEqual("", "dev-secret")).toBe(false);
  });
});
