import type { WireBounds } from "./wire-bounds.js";

export type ShapeViolation = { reason: "too_deep" | "too_many_items" | "string_too_long"; error: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * One pass over JSON text, stopping at the first thing no message within `bounds` has: nesting
 * deeper than `bounds.depth`, more commas than `bounds.commas`, a string longer than
 * `bounds.stringBytes`. It does not check the text is JSON (`JSON.parse` does, after); it only
 * makes sure a 5,000-deep nest, a 20,000-element array or a 60 KiB string never reaches the parser
 * where the schema allows nothing like it. A few microseconds for a message of a few KiB.
 */
export function checkJsonShape(text: Uint8Array, bounds: Omit<WireBounds, "bytes">): ShapeViolation | null {
  let depth = 0;
  let commas = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (c === QUOTE) {
      const start = i;
      for (i++; i < n; i++) {
        const d = text[i]!;
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      const length = i - start - 1;
      if (length > bounds.stringBytes) return { reason: "string_too_long", error: `a string of ${length} bytes at byte ${start}; the longest this message can hold is ${bounds.stringBytes}` };
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > bounds.depth) return { reason: "too_deep", error: `nested deeper than ${bounds.depth} levels at byte ${i}` };
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    } else if (c === COMMA) {
      if (++commas > bounds.commas) return { reason: "too_many_items", error: `more elements and members than this message can hold (over ${bounds.commas} separators) at byte ${i}` };
    }
  }
  return null;
}
