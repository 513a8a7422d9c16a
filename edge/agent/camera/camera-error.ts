/** A camera that failed in a way worth retrying: the message says what happened, for `health()`. */
export class CameraError extends Error {
  override name = "CameraError";
}

const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed by the camera",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "no response headers in time",
  UND_ERR_BODY_TIMEOUT: "response body stalled",
};

/** One line for an error thrown by fetch, a stream or the file system. */
export function describeFailure(err: unknown): string {
  if (err instanceof CameraError) return err.message;
  if (!(err instanceof Error)) return String(err);
  // fetch wraps the socket error: TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }).
  const code = errorCode(err.cause) ?? errorCode(err);
  if (code !== undefined) {
    const known = SOCKET_ERRORS[code];
    if (known) return `${known} (${code})`;
    if (err.cause instanceof Error) return `${err.cause.message} (${code})`;
    return `${err.message} (${code})`;
  }
  if (err.cause instanceof Error) return `${err.message}: ${err.cause.message}`;
  return err.message;
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("code" in value)) return undefined;
  const code = (value as { code: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
