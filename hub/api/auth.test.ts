import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerToken, createTokenMatcher, roleAllows } from "./auth.js";

describe("API tokens", () => {
  const match = createTokenMatcher([
    { name: "vera", role: "viewer", token: "viewer-token-0123456789" },
    { name: "ada", role: "admin", tokenSha256: createHash("sha256").update("admin-token-0123456789").digest("hex") },
  ]);

  it("finds the actor of a plain or a hashed token and nobody for any other", () => {
    expect(match("viewer-token-0123456789")).toEqual({ name: "vera", role: "viewer" });
    expect(match("admin-token-0123456789")).toEqual({ name: "ada", role: "admin" });
    expect(match("viewer-token-012345678")).toBeNull();
    expect(match("")).toBeNull();
    // The configured digest itself is not a token.
    expect(match(createHash("sha256").update("admin-token-0123456789").digest("hex"))).toBeNull();
  });

  it("reads the token from a Bearer header only", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("ranks admin over operator over viewer", () => {
    expect(roleAllows("admin", "operator")).toBe(true);
    expect(roleAllows("operator", "operator")).toBe(true);
    expect(roleAllows("viewer", "operator")).toBe(false);
    expect(roleAllows("operator", "admin")).toBe(false);
  });
});
