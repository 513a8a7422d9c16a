import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared` beside the checkout: test models and fixtures the project never commits. */
export const sharedDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared");

export const onCi = process.env.CI === "true";

/**
 * Resolve a file under ../shared. Returns `skip` true only off CI when it is absent, so a
 * developer without the files sees a reason, while CI fails loudly instead of skipping.
 */
export function sharedFile(relative: string): { path: string; skip: boolean; reason: string } {
  const path = resolve(sharedDir, relative);
  const present = existsSync(path);
  return {
    path,
    skip: !present && !onCi,
    reason: present ? "" : `needs ${path} (the project's ../shared test data beside the checkout)`,
  };
}
