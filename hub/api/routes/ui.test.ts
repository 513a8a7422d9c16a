import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendError } from "../errors.js";
import { uiRoutes } from "./ui.js";

let dir: string;
const apps: FastifyInstance[] = [];

async function appWith(uiDir: string | undefined): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler(sendError);
  await app.register(uiRoutes, { uiDir });
  app.get("/api/known", async () => ({ ok: true }));
  apps.push(app);
  return app;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hub-ui-"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>dashboard</title>");
  await writeFile(join(dir, "app.js"), "console.log('dashboard')");
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe("dashboard files", () => {
  it("serves the built dashboard at / with index.html for the app's own routes, but not for unknown API paths", async () => {
    const app = await appWith(dir);
    const root = await app.inject("/");
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain("<title>dashboard</title>");
    expect((await app.inject("/app.js")).body).toContain("console.log");
    const clientRoute = await app.inject("/intersections/x1");
    expect(clientRoute.statusCode).toBe(200);
    expect(clientRoute.headers["content-type"]).toMatch(/^text\/html/);
    const api = await app.inject("/api/nothing-here");
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: "not_found" });
    expect((await app.inject("/api/known")).json()).toEqual({ ok: true });
  });

  it("says plainly at / that the dashboard is not built when there is none", async () => {
    for (const uiDir of [undefined, join(dir, "missing")]) {
      const app = await appWith(uiDir);
      const root = await app.inject("/");
      expect(root.statusCode).toBe(200);
      expect(root.body).toMatch(/dashboard is not built/);
      expect((await app.inject("/elsewhere")).statusCode).toBe(404);
    }
  });
});
