import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** `scrypt$<saltB64>$<hashB64>`: the only stored form of a device's password. */
export const PASSWORD_HASH_PATTERN = /^scrypt\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

// Node's scrypt defaults (N=2^14, r=8, p=1): about 50 ms per check, paid once per connect.
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hash a password for the broker config: `scrypt$<saltB64>$<hashB64>` with a fresh random salt. */
export async function hashPassword(plain: string): Promise<string> {
  if (plain.length === 0) throw new Error("password must not be empty");
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain, salt, KEY_BYTES);
  return `scrypt$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Check a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  if (!PASSWORD_HASH_PATTERN.test(stored)) return false;
  const [, saltB64, hashB64] = stored.split("$") as [string, string, string];
  const expected = Buffer.from(hashB64, "base64");
  if (expected.length === 0) return false;
  const actual = await derive(plain, Buffer.from(saltB64, "base64"), expected.length);
  return timingSafeEqual(actual, expected);
}

/** Compare two plain secrets in constant time (digests first, so unequal lengths leak nothing). */
export function plainSecretsEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Spend about as long as a real check, so an unknown username cannot be told apart by timing. */
export async function burnPasswordCheck(plain: string): Promise<void> {
  await derive(plain, DUMMY_SALT, KEY_BYTES);
}
const DUMMY_SALT = Buffer.alloc(SALT_BYTES, 7);
