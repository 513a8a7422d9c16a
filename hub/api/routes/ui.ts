import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { notFound } from "../errors.js";

const NOT_BUILT =
  "The dashboard is not built here. Build it (hub/ui, with Vite) and set api.uiDir in the hub's configuration to its output folder. The API is at /api (see /api/openapi.json).\n";

/**
 * The dashboard's static files at `/`, with the single-page app's index.html for any other
 * non-API GET (its client-side routes); without a built dashboard, `/` says so plainly.
 */
export const uiRoutes: FastifyPluginAsync<{ uiDir?: string | undefined }> = async (app, { uiDir }) => {
  const index = uiDir === undefined ? null : join(uiDir, "index.html");
  const built = uiDir !== undefined && index !== null && existsSync(index);
  if (built) {
    await app.register(fastifyStatic, { root: uiDir, prefix: "/", index: "index.html" });
  } else {
    app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.type("text/plain; charset=utf-8").send(NOT_BUILT));
  }
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    if (built && index !== null && request.method === "GET" && !path.startsWith("/api") && path !== "/metrics") {
      return reply.type("text/html; charset=utf-8").send(await readFile(index));
    }
    throw notFound(`no route ${request.method} ${path}`);
  });
};
