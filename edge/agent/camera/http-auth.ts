import { createHash, randomBytes } from "node:crypto";

/** A `WWW-Authenticate: Digest …` challenge (RFC 7616), the parts this client uses. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";
  /** `auth` when the server offers it (every camera does); absent for RFC 2069 servers. */
  qop?: "auth";
  stale: boolean;
}

const ALGORITHMS = new Set(["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"]);

/** The Digest challenge in a WWW-Authenticate header, or null when there is none this client can answer. */
export function parseDigestChallenge(header: string | null): DigestChallenge | null {
  if (header === null) return null;
  const at = header.search(/\bDigest\s/i);
  if (at < 0) return null;
  const params: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  // Parameters up to the next scheme (a header may offer Basic and Digest side by side).
  const rest = header.slice(at + 7).split(/,\s*(?=(?:Basic|Bearer|Negotiate)\s)/i)[0]!;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1");
  if (!params.realm || !params.nonce) return null;
  const algorithm = params.algorithm ?? "MD5";
  if (!ALGORITHMS.has(algorithm)) return null;
  const qops = (params.qop ?? "").split(",").map((q) => q.trim());
  if (params.qop !== undefined && !qops.includes("auth")) return null;
  return {
    realm: params.realm,
    nonce: params.nonce,
    ...(params.opaque === undefined ? {} : { opaque: params.opaque }),
    algorithm: algorithm as DigestChallenge["algorithm"],
    ...(qops.includes("auth") ? { qop: "auth" as const } : {}),
    stale: (params.stale ?? "").toLowerCase() === "true",
  };
}

/** The Authorization header answering `challenge` for one request (pure, given `cnonce`). */
export function digestAuthorization(
  challenge: DigestChallenge,
  request: { username: string; password: string; method: string; uri: string; nc: number; cnonce: string },
): string {
  const hashName = challenge.algorithm.startsWith("SHA-256") ? "sha256" : "md5";
  const h = (s: string): string => createHash(hashName).update(s, "utf8").digest("hex");
  let ha1 = h(`${request.username}:${challenge.realm}:${request.password}`);
  if (challenge.algorithm.endsWith("-sess")) ha1 = h(`${ha1}:${challenge.nonce}:${request.cnonce}`);
  const ha2 = h(`${request.method}:${request.uri}`);
  const nc = request.nc.toString(16).padStart(8, "0");
  const response = challenge.qop ? h(`${ha1}:${challenge.nonce}:${nc}:${request.cnonce}:auth:${ha2}`) : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const quote = (s: string): string => `"${s.replace(/(["\\])/g, "\\$1")}"`;
  const parts = [
    `username=${quote(request.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(response)}`,
    ...(challenge.opaque === undefined ? [] : [`opaque=${quote(challenge.opaque)}`]),
    ...(challenge.qop ? [`qop=auth`, `nc=${nc}`, `cnonce=${quote(request.cnonce)}`] : []),
  ];
  return `Digest ${parts.join(", ")}`;
}

/**
 * Credentials for a camera's HTTP URL, answering whichever scheme it asks for: nothing is sent
 * until the camera challenges (so a password never goes out as Basic to a camera that wanted
 * Digest), then the answer is remembered, so later requests carry it at once (Digest with a
 * growing nonce count, a fresh challenge when the camera calls the nonce stale).
 */
export class CameraAuth {
  private scheme: { kind: "basic" } | { kind: "digest"; challenge: DigestChallenge; nc: number } | null = null;

  constructor(
    private readonly username: string | undefined,
    private readonly password: string,
  ) {}

  /** fetch with the camera's credentials; a 401 with a challenge is answered once. */
  async fetch(url: string, init: { signal: AbortSignal; headers?: Record<string, string> }): Promise<Response> {
    const first = await fetch(url, { ...init, headers: { ...init.headers, ...this.headerFor(url) } });
    if (first.status !== 401 || this.username === undefined) return first;
    const challenge = parseDigestChallenge(first.headers.get("www-authenticate"));
    const hadDigest = this.scheme?.kind === "digest";
    const offersBasic = /\bBasic\b/i.test(first.headers.get("www-authenticate") ?? "");
    // Answered already and refused again (a wrong password): no retry, the 401 is the failure.
    if ((hadDigest && !challenge?.stale) || (this.scheme?.kind === "basic" && challenge === null)) return first;
    if (challenge !== null) this.scheme = { kind: "digest", challenge, nc: 0 };
    else if (offersBasic) this.scheme = { kind: "basic" };
    else return first;
    await first.body?.cancel().catch(() => {});
    return fetch(url, { ...init, headers: { ...init.headers, ...this.headerFor(url) } });
  }

  private headerFor(url: string): Record<string, string> {
    if (this.username === undefined || this.scheme === null) return {};
    if (this.scheme.kind === "basic") return { authorization: `Basic ${Buffer.from(`${this.username}:${this.password}`, "utf8").toString("base64")}` };
    const { pathname, search } = new URL(url);
    this.scheme.nc++;
    return {
      authorization: digestAuthorization(this.scheme.challenge, {
        username: this.username,
        password: this.password,
        method: "GET",
        uri: `${pathname}${search}`,
        nc: this.scheme.nc,
        cnonce: randomBytes(8).toString("hex"),
      }),
    };
  }
}
