import type { z } from "zod";

/** A key a configuration file has that its schema does not know. */
export interface UnknownKey {
  /** Where the object holding it is, as a zod issue path. */
  path: (string | number)[];
  key: string;
}

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): Def => (schema as { def: Def }).def;

/**
 * Every key of `value` that `schema` does not declare, in plain objects the schema reads (not
 * `z.looseObject` ones, nor values typed `z.unknown()`). zod's `z.object()` strips such keys
 * silently, so a misspelt `omittable` would just vanish; a configuration file is checked with this
 * first, whichever schemas it is made of, so every object in it is strict without each schema
 * having to say so. Wire schemas stay as they are (tolerant of newer senders).
 */
export function unknownKeys(schema: z.ZodType, value: unknown): UnknownKey[] {
  const found: UnknownKey[] = [];
  walk(schema, value, [], found);
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function walk(schema: unknown, value: unknown, path: (string | number)[], found: UnknownKey[]): void {
  if (value === undefined || value === null) return;
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return walk(def.innerType, value, path, found);
    case "lazy":
      return walk((def.getter as () => unknown)(), value, path, found);
    case "pipe":
      // z.preprocess(fn, schema): the value the file holds is fn's input; read it as the schema's.
      return walk(defOf(def.in).type === "transform" ? def.out : def.in, value, path, found);
    case "object": {
      if (!isPlainObject(value)) return;
      const shape = def.shape as Record<string, unknown>;
      for (const [key, v] of Object.entries(value)) {
        if (key in shape) walk(shape[key], v, [...path, key], found);
        else if (def.catchall === undefined || defOf(def.catchall).type === "never") found.push({ path, key });
        else walk(def.catchall, v, [...path, key], found);
      }
      return;
    }
    case "record":
      if (!isPlainObject(value)) return;
      for (const [key, v] of Object.entries(value)) walk(def.valueType, v, [...path, key], found);
      return;
    case "array":
      if (!Array.isArray(value)) return;
      value.forEach((v, i) => walk(def.element, v, [...path, i], found));
      return;
    case "tuple": {
      if (!Array.isArray(value)) return;
      const items = def.items as unknown[];
      value.forEach((v, i) => {
        const item = i < items.length ? items[i] : def.rest;
        if (item) walk(item, v, [...path, i], found);
      });
      return;
    }
    case "union": {
      // The option the value is (for a discriminated union, the one its discriminator names).
      const options = def.options as z.ZodType[];
      const discriminator = def.discriminator as string | undefined;
      const option =
        discriminator !== undefined && isPlainObject(value)
          ? options.find((o) => {
              const tag = (defOf(o).shape as Record<string, z.ZodType> | undefined)?.[discriminator];
              return tag !== undefined && tag.safeParse(value[discriminator]).success;
            })
          : options.find((o) => o.safeParse(value).success);
      if (option) walk(option, value, path, found);
      return;
    }
    case "intersection": {
      if (!isPlainObject(value)) return;
      const left = unknownKeys(def.left as z.ZodType, value);
      const right = unknownKeys(def.right as z.ZodType, value);
      // Unknown to both sides.
      for (const u of left) if (right.some((r) => r.key === u.key && r.path.join(".") === u.path.join("."))) found.push({ path: [...path, ...u.path], key: u.key });
      return;
    }
    default:
      return;
  }
}
