import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, serverBinary, waitForPort } from "../../../tests/support/servers.js";
import { digestAuthorization, parseDigestChallenge } from "./http-auth.js";
import { HttpSnapshotSource } from "./http-snapshot-source.js";
import { makeJpegs } from "./test-support/jpegs.js";
import { collect, waitFor } from "./test-support/polling.js";

const lighttpd = serverBinary("/usr/sbin/lighttpd", "lighttpd");

describe("digest auth (RFC 7616)", () => {
  it("computes RFC 2617's worked example", () => {
    // RFC 2617 §3.5: Mufasa / Circle Of Life, GET /dir/index.html.
    const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(challenge).toMatchObject({ realm: "testrealm@host.com", qop: "auth", algorithm: "MD5", stale: false });
    const header = digestAuthorization(challenge!, { username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html", nc: 1, cnonce: "0a4f113b" });
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain("nc=00000001");
  });

  it("ignores what it cannot answer", () => {
    expect(parseDigestChallenge('Basic realm="cam"')).toBeNull();
    expect(parseDigestChallenge('Digest realm="cam", nonce="n", algorithm=SHA-512-256')).toBeNull();
    expect(parseDigestChallenge('Digest realm="cam", nonce="n", qop="auth-int"')).toBeNull();
    expect(parseDigestChallenge('Basic realm="x", Digest realm="cam", nonce="abc", stale=TRUE')).toMatchObject({ realm: "cam", nonce: "abc", stale: true });
  });
});

describe.skipIf(lighttpd.skip)(`an HTTP snapshot camera behind digest auth (lighttpd) ${lighttpd.reason}`, () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "digest-cam-"));
    await mkdir(join(dir, "www"));
    const [jpeg] = await makeJpegs(1);
    await writeFile(join(dir, "www", "snapshot.jpg"), jpeg!);
    const ha1 = createHash("md5").update("viewer:camera:p@ss w0rd").digest("hex");
    await writeFile(join(dir, "htdigest"), `viewer:camera:${ha1}\n`);
    port = await freePort();
    await writeFile(
      join(dir, "lighttpd.conf"),
      [
        `server.document-root = "${join(dir, "www")}"`,
        `server.bind = "127.0.0.1"`,
        `server.port = ${port}`,
        `server.errorlog = "${join(dir, "error.log")}"`,
        `server.modules = ("mod_auth", "mod_authn_file")`,
        `mimetype.assign = (".jpg" => "image/jpeg")`,
        `auth.backend = "htdigest"`,
        `auth.backend.htdigest.userfile = "${join(dir, "htdigest")}"`,
        `auth.require = ("/" => ("method" => "digest", "realm" => "camera", "require" => "valid-user"))`,
      ].join("\n"),
    );
    server = spawn(lighttpd.path, ["-D", "-f", join(dir, "lighttpd.conf")], { stdio: "ignore" });
    await waitForPort(port);
  });

  afterAll(async () => {
    server?.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  });

  it("answers the camera's digest challenge frame after frame, and reports a wrong password as 401", async () => {
    const good = new HttpSnapshotSource({ url: `http://127.0.0.1:${port}/snapshot.jpg`, fps: 20, timeoutMs: 5000, username: "viewer", password: "p@ss w0rd" });
    const stop = new AbortController();
    const run = collect(good, stop.signal);
    await waitFor("three frames", () => run.frames.length >= 3);
    stop.abort();
    await run.done;
    expect(good.health()).toMatchObject({ ok: true, errors: 0 });

    const wrong = new HttpSnapshotSource({ url: `http://viewer:nope@127.0.0.1:${port}/snapshot.jpg`, fps: 20, timeoutMs: 5000 }, { backoff: { initialMs: 10_000 } });
    const stopWrong = new AbortController();
    const runWrong = collect(wrong, stopWrong.signal);
    await waitFor("a failure", () => wrong.health().errors >= 1);
    stopWrong.abort();
    await runWrong.done;
    expect(wrong.health().message).toMatch(/HTTP 401/);
    expect(wrong.health().message).not.toContain("nope");
    expect(runWrong.frames).toHaveLength(0);
  });
});
