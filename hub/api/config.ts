import { z } from "zod";
import { Role } from "../services/actor.js";

/** An API bearer token: give `token` (plain, for development) or `tokenSha256` (hex), not both. */
export const ApiToken = z
  .object({
    name: z.string().min(1).max(100),
    role: Role,
    token: z.string().min(16, "tokens must be at least 16 characters").optional(),
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits").optional(),
  })
  .refine((t) => (t.token === undefined) !== (t.tokenSha256 === undefined), { message: "give exactly one of token or tokenSha256" });
export type ApiToken = z.infer<typeof ApiToken>;

/** A certificate and its private key, as PEM files (relative to the configuration file). */
export const TlsFiles = z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) });
export type TlsFiles = z.infer<typeof TlsFiles>;

/** The hub configuration's `api` section. */
export const ApiConfig = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(8080),
  tokens: z.array(ApiToken).default([]),
  /** Serve HTTPS (and wss:// for the live stream). */
  tls: TlsFiles.optional(),
  /** Serve the dashboard's static files from here (the built hub/ui). */
  uiDir: z.string().optional(),
  /** Largest websocket send buffer per client before its updates are held back (bytes). */
  wsMaxBufferedBytes: z.number().int().min(1024).default(1024 * 1024),
  /** Live stream (websocket) clients at most; one more is closed with 1013 "try again later". */
  maxLiveClients: z.number().int().min(1).default(1000),
  /** HTTP connections at most (Node closes the ones beyond). */
  maxConnections: z.number().int().min(1).default(5000),
  /** Time to receive a whole request; a client that trickles one is answered 408 and closed. */
  requestTimeoutMs: z.number().int().min(1000).default(30_000),
  /** An HTTP connection idle this long is closed (not websockets). */
  connectionTimeoutMs: z.number().int().min(1000).default(120_000),
});
export type ApiConfig = z.infer<typeof ApiConfig>;
