import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serverBinary } from "./servers.js";

/** Debian's Chromium; off CI a missing one skips the browser tests with the install command as reason. */
export const chromiumBinary = serverBinary("/usr/bin/chromium", "chromium");

/** Flags for a headless, offline, throwaway Chromium (no sandbox inside containers, no background traffic). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Where screenshots go (gitignored). */
export const artifactsDir = join(repoRoot, "test-artifacts");

/**
 * Build the dashboard (hub/ui) with Vite's JS API into a fresh temporary folder, so a test serves
 * what the source says now, not a stale dist/ui. Returns the folder and a function that removes it.
 */
export async function buildDashboard(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const { build } = await import("vite");
  const dir = await mkdtemp(join(tmpdir(), "hub-ui-"));
  await build({
    configFile: join(repoRoot, "hub/ui/vite.config.ts"),
    root: join(repoRoot, "hub/ui"),
    build: { outDir: dir, emptyOutDir: true },
    logLevel: "silent",
  });
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
