import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clearFaultOnSite } from "./clear-fault-on-site.js";
import { writeControllerState } from "./controller-state-file.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("clearing a latched fault on site", () => {
  it("clears the latch in the saved state and keeps the rest, and says when there is nothing to clear", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clear-fault-"));
    dirs.push(dir);
    expect(clearFaultOnSite(dir)).toMatchObject({ cleared: false, message: expect.stringMatching(/no saved controller state/) });
    writeControllerState(join(dir, "controller.json"), { version: 1, fault: { message: "conflicting right of way", atMs: 1_000 }, operatorFlash: true, plan: null });
    const result = clearFaultOnSite(dir);
    expect(result).toMatchObject({ cleared: true, message: expect.stringMatching(/cleared the fault latched at 1970-01-01T00:00:01.000Z \(conflicting right of way\)/) });
    expect(JSON.parse(await readFile(join(dir, "controller.json"), "utf8"))).toEqual({ version: 1, fault: null, operatorFlash: true, plan: null });
    expect(clearFaultOnSite(dir)).toMatchObject({ cleared: false, message: expect.stringMatching(/no fault is latched/) });
  });
});
