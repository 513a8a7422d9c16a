import type { z } from "zod";

/** `approaches[2].zones[0].polygon` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * One line per problem, each naming where it is: `config.approaches[2].zones[0].polygon: Too small: expected array to have >=3 items`.
 * `root` prefixes every path so the reader knows which document is meant.
 */
export function formatIssues(root: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = formatPath(issue.path);
      const at = where === "" ? root : `${root}.${where}`;
      return `${at}: ${issue.message}`;
    })
    .join("; ") + (error.issues.length > 5 ? `; (+${error.issues.length - 5} more)` : "");
}

/** Parse or throw an Error whose message names every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues(root, result.error));
  return result.data;
}

export class ValidationError extends Error {
  override name = "ValidationError";
}
