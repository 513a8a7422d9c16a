import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/** The dashboard: static files the hub serves from `api.uiDir` (dist/ui by default). */
export default defineConfig({
  root: here,
  base: "./",
  // Preact's automatic JSX runtime; no React anywhere.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../../dist/ui", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // Everything bundled: the control room may have no internet.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 300,
  },
  server: { host: "127.0.0.1" },
});
