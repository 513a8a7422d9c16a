import { CameraError } from "./camera-error.js";
import { CameraAuth } from "./http-auth.js";

/** A camera URL made ready for fetch: credentials taken out of it, and a label safe to log. */
export interface HttpTarget {
  url: string;
  headers: Record<string, string>;
  /** Answers the camera's Basic or Digest challenge with the credentials. */
  auth: CameraAuth;
  /** Origin and path only: no credentials or query tokens end up in logs or health messages. */
  label: string;
}

/**
 * fetch refuses URLs with credentials in them (`http://user:pass@cam/`), so those, or the
 * configured username and password, go to a CameraAuth, which answers the camera's challenge
 * (Basic or Digest).
 */
export function httpTarget(rawUrl: string, username?: string, password?: string): HttpTarget {
  const url = new URL(rawUrl);
  const user = username ?? (url.username === "" ? undefined : decodeURIComponent(url.username));
  const pass = password ?? decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  return { url: url.href, headers: {}, auth: new CameraAuth(user, pass), label: `${url.origin}${url.pathname}` };
}

/** Reads a response body, refusing one over `maxBytes` before it is all in memory. */
export async function readBodyCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new CameraError(`response of ${declared} bytes exceeds the cap of ${maxBytes} bytes`);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new CameraError(`response larger than the cap of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
