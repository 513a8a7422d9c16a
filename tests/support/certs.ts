// Certificates made at test time with Debian's openssl: a CA, a server certificate for 127.0.0.1
// and client certificates whose subject CN names a device account.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverBinary } from "./servers.js";

export const opensslBinary = serverBinary("/usr/bin/openssl", "openssl");

export interface KeyPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  ca: KeyPair;
  /** For 127.0.0.1 and localhost, signed by `ca`. */
  server: KeyPair;
  /** A client certificate with subject CN `commonName`, signed by `ca` or by `signer`. */
  client(commonName: string, signer?: KeyPair): KeyPair;
  /** Another CA, unrelated to `ca`. */
  newCa(name: string): KeyPair;
  dispose(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync(opensslBinary.path, args, { cwd, stdio: "pipe" });
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "traffic-pki-"));
  const read = (name: string): KeyPair => ({
    cert: readFileSync(join(dir, `${name}.crt`), "utf8"),
    key: readFileSync(join(dir, `${name}.key`), "utf8"),
    certFile: join(dir, `${name}.crt`),
    keyFile: join(dir, `${name}.key`),
  });
  const newCa = (name: string): KeyPair => {
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.crt`], dir);
    return read(name);
  };
  let serial = 0;
  const issue = (name: string, subject: string, signer: KeyPair, extensions: string): KeyPair => {
    openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.csr`], dir);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", signer.certFile, "-CAkey", signer.keyFile, "-set_serial", String(++serial), "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.crt`], dir);
    return read(name);
  };
  const ca = newCa("test-ca");
  const server = issue("server", "/CN=127.0.0.1", ca, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  return {
    dir,
    ca,
    server,
    client: (commonName, signer = ca) => issue(`client-${commonName}-${++serial}`, `/CN=${commonName}`, signer, "extendedKeyUsage=clientAuth\n"),
    newCa,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
