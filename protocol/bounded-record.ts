import { z } from "zod";

/**
 * The most entries a record schema made by `boundedRecord` takes: zod cannot say it (a refine is
 * opaque), and the wire bounds (`wire-bounds.ts`) need it to bound a message before parsing it.
 */
export const RECORD_MAX_ENTRIES = z.registry<{ maxEntries: number }>();

/** `z.record(key, value)` with `min`–`max` entries, checked by zod and known to the wire bounds. */
export function boundedRecord<K extends z.core.$ZodRecordKey, V extends z.core.SomeType>(
  key: K,
  value: V,
  entries: { min: number; max: number; message: string },
) {
  const schema = z.record(key, value).refine(
    (r) => {
      const n = Object.keys(r).length;
      return n >= entries.min && n <= entries.max;
    },
    { message: entries.message },
  );
  RECORD_MAX_ENTRIES.add(schema, { maxEntries: entries.max });
  return schema;
}
