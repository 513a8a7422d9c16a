import { ByteQueue } from "./byte-queue.js";
import { CameraError } from "./camera-error.js";
import { previewBytes } from "./image-bytes.js";
import { JpegEndScanner } from "./jpeg-end-scanner.js";

/** How a stream's parts are framed, read from its Content-Type. */
export interface StreamFraming {
  /** The multipart boundary without its leading dashes, or null: JPEGs back to back. */
  boundary: string | null;
}

/**
 * `multipart/x-mixed-replace; boundary=frame` → boundary "frame". Cameras differ on whether the
 * parameter carries the two leading dashes of the delimiter; both spellings work here.
 * Throws a CameraError for a content type that cannot be an MJPEG stream (an HTML login page).
 */
export function parseStreamFraming(contentType: string | null): StreamFraming {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type.startsWith("multipart/")) {
    const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
    const raw = match?.[1] ?? match?.[2] ?? null;
    const boundary = raw?.replace(/^--/, "") ?? null;
    return { boundary: boundary === "" ? null : boundary };
  }
  if (type === "" || type === "image/jpeg" || type === "application/octet-stream" || type.startsWith("video/")) {
    return { boundary: null };
  }
  throw new CameraError(`not an MJPEG stream: content-type ${contentType}`);
}

const MAX_HEADER_BYTES = 16 * 1024;

type State =
  | { kind: "seek-boundary" }
  | { kind: "boundary-line" }
  | { kind: "headers"; contentLength: number | null; headerBytes: number }
  | { kind: "body-length"; length: number }
  | { kind: "body-jpeg" }
  | { kind: "body-until-boundary"; searchFrom: number }
  | { kind: "seek-jpeg" }
  | { kind: "ended" };

/**
 * Splits an MJPEG byte stream into JPEG parts, chunk by chunk. A part is delimited by its
 * Content-Length when the part headers give one, else by walking the JPEG from SOI to EOI.
 * Memory is bounded: a part, or a run of bytes without a boundary, over `maxPartBytes` is an error.
 */
export class MjpegParser {
  private readonly queue = new ByteQueue();
  private readonly scanner = new JpegEndScanner();
  private readonly delimiter: Buffer | null;
  private readonly maxPartBytes: number;
  private state: State;
  /** Bytes thrown away while looking for a boundary or a JPEG, since the last part. */
  private skippedBytes = 0;

  constructor(framing: StreamFraming, options: { maxPartBytes: number }) {
    this.delimiter = framing.boundary === null ? null : Buffer.from(`--${framing.boundary}`, "latin1");
    this.maxPartBytes = options.maxPartBytes;
    this.state = this.delimiter ? { kind: "seek-boundary" } : { kind: "seek-jpeg" };
  }

  /** Bytes held in memory, for tests and metrics. */
  get bufferedBytes(): number {
    return this.queue.capacity;
  }

  /** Feed the next chunk; returns the parts it completed (copies, safe to keep). Throws CameraError. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.state.kind === "ended") return [];
    this.queue.append(chunk);
    const parts: Buffer[] = [];
    while (this.step(parts)) {
      // each step consumes bytes or changes state; it returns false when it needs more input
    }
    return parts;
  }

  /** True once the closing delimiter (`--boundary--`) has arrived. */
  get ended(): boolean {
    return this.state.kind === "ended";
  }

  private step(parts: Buffer[]): boolean {
    const bytes = this.queue.view();
    const state = this.state;
    switch (state.kind) {
      case "seek-boundary": {
        const delimiter = this.delimiter!;
        const at = bytes.indexOf(delimiter);
        if (at === -1) {
          // Keep a tail that may be the start of a delimiter split across chunks.
          this.skip(Math.max(0, bytes.length - (delimiter.length - 1)), "no multipart boundary");
          return false;
        }
        this.skip(at + delimiter.length, "no multipart boundary");
        this.skippedBytes = 0;
        this.state = { kind: "boundary-line" };
        return true;
      }
      case "boundary-line": {
        if (bytes.length < 2) return false;
        if (bytes[0] === 0x2d && bytes[1] === 0x2d) {
          this.state = { kind: "ended" }; // `--boundary--` closes the stream
          return false;
        }
        const lineEnd = bytes.indexOf(0x0a);
        if (lineEnd === -1) {
          if (bytes.length > MAX_HEADER_BYTES) throw new CameraError(`boundary line longer than ${MAX_HEADER_BYTES} bytes`);
          return false;
        }
        this.queue.consume(lineEnd + 1);
        this.state = { kind: "headers", contentLength: null, headerBytes: 0 };
        return true;
      }
      case "headers": {
        // A camera that sends no part headers at all starts the JPEG right after the boundary line.
        if (state.headerBytes === 0 && bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) {
          this.state = { kind: "body-jpeg" };
          return true;
        }
        const lineEnd = bytes.indexOf(0x0a);
        if (lineEnd === -1) {
          if (state.headerBytes + bytes.length > MAX_HEADER_BYTES) throw new CameraError(`part headers longer than ${MAX_HEADER_BYTES} bytes`);
          return false;
        }
        const line = bytes.toString("latin1", 0, lineEnd).replace(/\r$/, "");
        this.queue.consume(lineEnd + 1);
        state.headerBytes += lineEnd + 1;
        if (state.headerBytes > MAX_HEADER_BYTES) throw new CameraError(`part headers longer than ${MAX_HEADER_BYTES} bytes`);
        if (line !== "") {
          const length = contentLengthOf(line);
          if (length !== undefined) state.contentLength = length;
          return true;
        }
        if (state.contentLength !== null) {
          if (state.contentLength > this.maxPartBytes) {
            throw new CameraError(`part Content-Length ${state.contentLength} exceeds the cap of ${this.maxPartBytes} bytes`);
          }
          this.state = { kind: "body-length", length: state.contentLength };
        } else {
          this.state = { kind: "body-jpeg" };
        }
        return true;
      }
      case "body-length": {
        if (bytes.length < state.length) return false;
        parts.push(Buffer.from(bytes.subarray(0, state.length)));
        this.queue.consume(state.length);
        this.state = { kind: "seek-boundary" };
        return true;
      }
      case "body-jpeg": {
        const start = firstNonBlank(bytes);
        if (start === -1) {
          this.skip(bytes.length, "no JPEG after the part headers");
          return false;
        }
        if (bytes.length - start < 2) return false;
        if (start > 0) this.queue.consume(start);
        const body = start > 0 ? this.queue.view() : bytes;
        if (body[0] !== 0xff || body[1] !== 0xd8) {
          // No SOI where the part starts: let the next boundary end it, and judge the bytes then.
          this.state = this.delimiter ? { kind: "body-until-boundary", searchFrom: 0 } : { kind: "seek-jpeg" };
          return true;
        }
        const end = this.scanner.scan(body);
        if (end === -1) {
          this.checkPartSize(body.length);
          return false;
        }
        parts.push(Buffer.from(body.subarray(0, end)));
        this.queue.consume(end);
        this.scanner.reset();
        this.state = this.delimiter ? { kind: "seek-boundary" } : { kind: "seek-jpeg" };
        return true;
      }
      case "body-until-boundary": {
        const delimiter = this.delimiter!;
        const at = bytes.indexOf(delimiter, state.searchFrom);
        if (at === -1) {
          this.checkPartSize(bytes.length);
          state.searchFrom = Math.max(0, bytes.length - (delimiter.length - 1));
          return false;
        }
        const soi = bytes.subarray(0, at).indexOf(Buffer.from([0xff, 0xd8, 0xff]));
        if (soi === -1) throw new CameraError(`part of ${at} bytes holds no JPEG (starts ${previewBytes(trimLineEnd(bytes.subarray(0, at)))})`);
        parts.push(Buffer.from(trimLineEnd(bytes.subarray(soi, at))));
        this.queue.consume(at);
        this.state = { kind: "seek-boundary" };
        return true;
      }
      case "seek-jpeg": {
        const at = bytes.indexOf(SOI);
        if (at === -1) {
          this.skip(Math.max(0, bytes.length - 1), "no JPEG start-of-image marker");
          return false;
        }
        this.skip(at, "no JPEG start-of-image marker");
        this.skippedBytes = 0;
        this.state = { kind: "body-jpeg" };
        return true;
      }
      case "ended":
        return false;
    }
  }

  private skip(count: number, what: string): void {
    this.queue.consume(count);
    this.skippedBytes += count;
    if (this.skippedBytes + this.queue.length > this.maxPartBytes) {
      throw new CameraError(`${what} in ${this.skippedBytes + this.queue.length} bytes (cap ${this.maxPartBytes} bytes)`);
    }
  }

  private checkPartSize(bytes: number): void {
    if (bytes > this.maxPartBytes) throw new CameraError(`part larger than the cap of ${this.maxPartBytes} bytes without an end`);
  }
}

const SOI = Buffer.from([0xff, 0xd8]);

function contentLengthOf(line: string): number | undefined {
  const match = /^content-length\s*:\s*(\d+)\s*$/i.exec(line);
  if (!match) return undefined;
  const length = Number(match[1]);
  return Number.isSafeInteger(length) ? length : undefined;
}

function firstNonBlank(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x0d && b !== 0x0a && b !== 0x20 && b !== 0x09) return i;
  }
  return -1;
}

function trimLineEnd(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return bytes.subarray(0, end);
}
