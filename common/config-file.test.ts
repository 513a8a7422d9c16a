import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfigFile, parseConfig } from "./config-file.js";
import { unknownKeys } from "./unknown-keys.js";

const Schema = z
  .object({
    name: z.string(),
    server: z.object({ port: z.number().default(80) }).prefault({}),
    link: z.discriminatedUnion("type", [z.object({ type: z.literal("tcp"), host: z.string() }), z.object({ type: z.literal("file"), path: z.string() })]).optional(),
    byName: z.record(z.string(), z.object({ weight: z.number() })).default({}),
    points: z.array(z.tuple([z.number(), z.object({ tag: z.string() })])).default([]),
    extras: z.looseObject({ kind: z.string().optional() }).optional(),
    anything: z.unknown().optional(),
    normalised: z.preprocess((v) => v, z.object({ level: z.number() })).optional(),
  })
  .refine((c) => c.name !== "", { message: "name must not be empty" });

describe("configuration files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "config-file-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds unknown keys wherever the schema reads an object: nested, in a union's chosen option, in records, arrays, tuples and preprocessed values", () => {
    const found = unknownKeys(Schema, {
      name: "x",
      nmae: "typo",
      server: { port: 1, prot: 2 },
      link: { type: "file", path: "/p", host: "h" },
      byName: { a: { weight: 1, wieght: 2 } },
      points: [[1, { tag: "t", tga: "u" }]],
      normalised: { level: 1, levle: 2 },
    });
    expect(found.map((u) => `${u.path.join(".")}:${u.key}`)).toEqual([":nmae", "server:prot", "link:host", "byName.a:wieght", "points.0.1:tga", "normalised:levle"]);
  });

  it("leaves alone what the schema declares open (a loose object, an unknown value)", () => {
    expect(unknownKeys(Schema, { name: "x", extras: { kind: "k", anything: 1 }, anything: { whatever: true } })).toEqual([]);
  });

  it("refuses an unknown key naming it and where it is, before any other problem", () => {
    expect(() => parseConfig(Schema, { name: "", server: { prot: 2 } }, "app")).toThrow(/^app\.server: unknown key "prot"$/);
    expect(() => parseConfig(Schema, { name: "" }, "app")).toThrow(/^app: name must not be empty$/);
    expect(parseConfig(Schema, { name: "x" }, "app").server.port).toBe(80);
  });

  it("loads YAML or JSON by extension, and says which file is wrong and where", async () => {
    const yaml = join(dir, "a.yaml");
    await writeFile(yaml, "name: x\nserver:\n  port: 8\n");
    expect((await loadConfigFile(yaml, Schema, "app")).server.port).toBe(8);
    const json = join(dir, "a.json");
    await writeFile(json, JSON.stringify({ name: "x", serverr: {} }));
    await expect(loadConfigFile(json, Schema, "app")).rejects.toThrow(`${json}: app: unknown key "serverr"`);
    await writeFile(yaml, "name: [x\n");
    await expect(loadConfigFile(yaml, Schema, "app")).rejects.toThrow(new RegExp(`^${yaml}: invalid YAML`));
    await expect(loadConfigFile(join(dir, "none.yaml"), Schema, "app")).rejects.toThrow(/none\.yaml: cannot read .*none\.yaml \(no such file\)/);
  });
});
