import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// `traffic-hub`'s first line is the one source of truth for how the hub's Node runs (its allocator
// settings and V8 flags, docs/hub.md); the systemd unit and the Dockerfile name node explicitly, so
// they must carry the same.
const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const words = read("hub/cli.ts").split("\n", 1)[0]!.replace(/^#!\/usr\/bin\/env -S /, "").split(/\s+/);
const env = words.slice(0, words.indexOf("node"));
const flags = words.slice(words.indexOf("node") + 1);

describe("the hub's launch settings", () => {
  it("come from traffic-hub's first line", () => {
    expect(env).toContain("MALLOC_ARENA_MAX=2");
    expect(flags).toContain("--max-semi-space-size=32");
  });

  it("are the systemd unit's", () => {
    const unit = read("deploy/systemd/traffic-hub.service");
    for (const setting of env) expect(unit).toMatch(new RegExp(`^Environment=${setting}$`, "m"));
    const exec = /^ExecStart=\/usr\/bin\/node (.*) \/opt\/traffic-signals\/dist\/hub\/cli\.js /m.exec(unit)?.[1];
    expect(exec?.split(" ")).toEqual(flags);
  });

  it("are the Dockerfile's", () => {
    const docker = read("deploy/Dockerfile.hub");
    const dockerEnv = [...docker.matchAll(/^ENV (.*)$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    for (const setting of env) expect(dockerEnv).toContain(setting);
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(docker)![1]!) as string[];
    expect(entry).toEqual(["node", ...flags, "dist/hub/cli.js"]);
  });
});
