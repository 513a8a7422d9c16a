import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readControllerState, setAsideControllerState, writeControllerState } from "./controller-state-file.js";
import type { PersistedState } from "./controller/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "controller-state-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const latched: PersistedState = { version: 1, fault: { message: "conflicting greens ns+ew", atMs: 1000 }, operatorFlash: false, plan: null };

describe("the controller state file", () => {
  it("reads back what was written, creating its folder and leaving no temporary file", async () => {
    const path = join(dir, "a", "controller.json");
    writeControllerState(path, latched);
    writeControllerState(path, { ...latched, operatorFlash: true });
    expect(readControllerState(path)).toEqual({ kind: "found", snapshot: { ...latched, operatorFlash: true } });
    expect(await readdir(join(dir, "a"))).toEqual(["controller.json"]);
  });

  it("tells a missing file from an unreadable one", async () => {
    expect(readControllerState(join(dir, "none.json"))).toEqual({ kind: "absent" });
    const corrupt = join(dir, "corrupt.json");
    await writeFile(corrupt, "{ half");
    expect(readControllerState(corrupt)).toMatchObject({ kind: "unreadable", error: expect.stringMatching(/corrupt\.json: not JSON/) });
    expect(readControllerState(dir)).toMatchObject({ kind: "unreadable" }); // a folder
  });

  it("sets an unusable file aside under a name that says when", async () => {
    const path = join(dir, "aside.json");
    await writeFile(path, "garbage");
    expect(setAsideControllerState(path, 42)).toBe(`${path}.unreadable-42`);
    expect(readControllerState(path)).toEqual({ kind: "absent" });
    expect(setAsideControllerState(path, 43)).toBeNull();
  });
});
