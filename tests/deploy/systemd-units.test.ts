import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverBinary } from "../support/servers.js";

const analyze = serverBinary("/usr/bin/systemd-analyze", "systemd");
const unitsDir = join(import.meta.dirname, "../../deploy/systemd");
const dir = mkdtempSync(join(tmpdir(), "units-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(analyze.skip)(`systemd units ${analyze.reason}`, () => {
  for (const unit of ["traffic-edge.service", "traffic-hub.service"]) {
    it(`${unit} passes systemd-analyze verify with no warning, and is hardened`, () => {
      const text = readFileSync(join(unitsDir, unit), "utf8");
      // Checked against this machine's node, wherever it is (the unit names /usr/bin/node, NodeSource's place).
      const local = join(dir, unit);
      writeFileSync(local, text.replaceAll("/usr/bin/node", process.execPath));
      const result = spawnSync(analyze.path, ["verify", local], { encoding: "utf8" });
      expect(result.stderr.trim()).toBe("");
      expect(result.status).toBe(0);
      for (const line of [/^Type=notify$/m, /^WatchdogSec=\d+$/m, /^Restart=always$/m, /^User=traffic-/m, /^ProtectSystem=strict$/m, /^NoNewPrivileges=yes$/m, /^CapabilityBoundingSet=$/m, /^ProtectHome=yes$/m]) {
        expect(text).toMatch(line);
      }
    });
  }

  it("catches a unit with a mistake (the check can fail)", () => {
    const local = join(dir, "broken.service");
    writeFileSync(local, readFileSync(join(unitsDir, "traffic-edge.service"), "utf8").replaceAll("/usr/bin/node", process.execPath).replace("ProtectSystem=strict", "ProtectSystem=stricter"));
    const result = spawnSync(analyze.path, ["verify", local], { encoding: "utf8" });
    expect(result.stderr).toMatch(/protect system value/i);
  });
});
