/** A 32-bit integer hash (murmur3 finaliser) of two numbers: per-vehicle and per-frame choices without a PRNG's state. */
export function hash32(a: number, b = 0): number {
  let h = Math.imul((a | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ (b | 0);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** hash32 as a number in [0, 1). */
export function hashUnit(a: number, b = 0): number {
  return hash32(a, b) / 4294967296;
}
