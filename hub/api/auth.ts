import { createHash, timingSafeEqual } from "node:crypto";
import type { Actor, Role } from "../services/actor.js";
import type { ApiToken } from "./config.js";

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` includes what `needed` may do (admin ⊃ operator ⊃ viewer). */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Matches a presented token against the configured ones. Every token is kept as its SHA-256 and
 * the presented one is hashed too, so each comparison is of equal-length digests in constant time,
 * and every configured token is compared (no early exit that would tell which one came close).
 */
export function createTokenMatcher(tokens: readonly ApiToken[]): (presented: string) => Actor | null {
  const known = tokens.map((t) => ({
    actor: { name: t.name, role: t.role } satisfies Actor,
    digest: t.tokenSha256 !== undefined ? Buffer.from(t.tokenSha256, "hex") : sha256(t.token ?? ""),
  }));
  return (presented) => {
    const digest = sha256(presented);
    let match: Actor | null = null;
    for (const k of known) {
      if (timingSafeEqual(digest, k.digest) && match === null) match = k.actor;
    }
    return match;
  };
}

/** The token in `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
