import type { z } from "zod";
import { RECORD_MAX_ENTRIES } from "./bounded-record.js";

/**
 * The largest message a schema accepts, as compact JSON (what `JSON.stringify` writes): read from
 * the schema's own maxima (string lengths, array lengths, record entries, the fields an object
 * has), so a bound never disagrees with the schema. A message beyond one of them cannot be valid
 * (short of padding it with whitespace or unknown fields, which no sender here does) and is
 * rejected before `JSON.parse`, which is where a hostile payload costs the hub most.
 */
export interface WireBounds {
  /** Bytes of the whole message. */
  bytes: number;
  /** Nesting of objects and arrays (a flat object: 1). */
  depth: number;
  /** Commas outside strings: the elements and members after the first of each container, all containers together. */
  commas: number;
  /** Bytes between the quotes of the longest string or key (each character may be escaped as `\uXXXX`, 6 bytes). */
  stringBytes: number;
}

export const UNBOUNDED: WireBounds = { bytes: Infinity, depth: Infinity, commas: Infinity, stringBytes: Infinity };
const SCALAR = { depth: 0, commas: 0, stringBytes: 0 };
/** The longest number `JSON.stringify` writes: `-2.2250738585072014e-308`. */
const NUMBER_BYTES = 24;
/** The most bytes one UTF-16 code unit takes in JSON text: `\u001f`. */
const CHAR_BYTES = 6;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "null");

function constant(values: readonly unknown[]): WireBounds {
  const bytes = Math.max(...values.map(jsonBytes));
  const strings = values.filter((v) => typeof v === "string").map(jsonBytes);
  return { ...SCALAR, bytes, stringBytes: strings.length > 0 ? Math.max(...strings) - 2 : 0 };
}

function max(...bounds: WireBounds[]): WireBounds {
  return {
    bytes: Math.max(...bounds.map((b) => b.bytes)),
    depth: Math.max(...bounds.map((b) => b.depth)),
    commas: Math.max(...bounds.map((b) => b.commas)),
    stringBytes: Math.max(...bounds.map((b) => b.stringBytes)),
  };
}

/** `n × each`, where no members, or members with none of it, have none of it even if `n` is unbounded (`Infinity × 0` is NaN). */
const times = (n: number, each: number): number => (n === 0 || each === 0 ? 0 : n * each);

/** A container of up to `n` members, each `member` (a key's bytes, if any, already in it). */
function container(n: number, member: WireBounds): WireBounds {
  if (n === 0) return { ...SCALAR, bytes: 2, depth: 1 };
  return { bytes: 2 + times(n, member.bytes) + (n - 1), depth: 1 + member.depth, commas: n - 1 + times(n, member.commas), stringBytes: member.stringBytes };
}

/** The smallest `max_length` check on a string or array schema, if any. */
function maxLength(checks: readonly z.core.$ZodCheck[] | undefined): number {
  let out = Infinity;
  for (const check of checks ?? []) {
    const def = check._zod.def as { check: string; maximum?: number };
    if (def.check === "max_length" && def.maximum !== undefined) out = Math.min(out, def.maximum);
  }
  return out;
}

function keyed(key: WireBounds, value: WireBounds): WireBounds {
  return { bytes: key.bytes + 1 + value.bytes, depth: value.depth, commas: value.commas, stringBytes: Math.max(key.stringBytes, value.stringBytes) };
}

/** The wire bounds of `schema`; `UNBOUNDED` in whatever it leaves open (unknown values, loose objects, unbounded strings and arrays). */
export function wireBounds(schema: z.core.$ZodType): WireBounds {
  const s = schema as z.core.$ZodTypes;
  const def = s._zod.def;
  switch (def.type) {
    case "string": {
      const chars = maxLength(def.checks);
      return { ...SCALAR, bytes: 2 + CHAR_BYTES * chars, stringBytes: CHAR_BYTES * chars };
    }
    case "number":
      return { ...SCALAR, bytes: NUMBER_BYTES };
    case "boolean":
      return { ...SCALAR, bytes: 5 };
    case "null":
      return { ...SCALAR, bytes: 4 };
    case "enum":
      return constant(Object.values(def.entries));
    case "literal":
      return constant(def.values);
    case "nullable":
      return max(wireBounds(def.innerType), { ...SCALAR, bytes: 4 });
    case "optional":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      return wireBounds(def.innerType);
    case "pipe":
      return wireBounds(def.in);
    case "union":
      return max(...def.options.map(wireBounds));
    case "object": {
      // A loose object keeps what it does not know; a plain one strips it (and the bound ignores it).
      if (def.catchall !== undefined && def.catchall._zod.def.type !== "never") return UNBOUNDED;
      const members = Object.entries(def.shape).map(([key, value]) => keyed(constant([key]), wireBounds(value)));
      if (members.length === 0) return { ...SCALAR, bytes: 2, depth: 1 };
      return {
        bytes: 2 + members.reduce((n, m) => n + m.bytes, 0) + (members.length - 1),
        depth: 1 + Math.max(...members.map((m) => m.depth)),
        commas: members.length - 1 + members.reduce((n, m) => n + m.commas, 0),
        stringBytes: Math.max(...members.map((m) => m.stringBytes)),
      };
    }
    case "array":
      return container(maxLength(def.checks), wireBounds(def.element));
    case "tuple": {
      if (def.rest !== null) return UNBOUNDED;
      const items = def.items.map(wireBounds);
      if (items.length === 0) return { ...SCALAR, bytes: 2, depth: 1 };
      return {
        bytes: 2 + items.reduce((n, m) => n + m.bytes, 0) + (items.length - 1),
        depth: 1 + Math.max(...items.map((m) => m.depth)),
        commas: items.length - 1 + items.reduce((n, m) => n + m.commas, 0),
        stringBytes: Math.max(...items.map((m) => m.stringBytes)),
      };
    }
    case "record": {
      const keyDef = (def.keyType as z.core.$ZodTypes)._zod.def;
      const entries = RECORD_MAX_ENTRIES.get(schema)?.maxEntries ?? (keyDef.type === "enum" ? Object.keys(keyDef.entries).length : Infinity);
      return container(entries, keyed(wireBounds(def.keyType), wireBounds(def.valueType)));
    }
    default:
      return UNBOUNDED;
  }
}
