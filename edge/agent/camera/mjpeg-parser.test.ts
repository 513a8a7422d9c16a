import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { MjpegParser, parseStreamFraming } from "./mjpeg-parser.js";
import { makeJpegs } from "./test-support/jpegs.js";
import { mjpegPart, mjpegStream, withEmbeddedThumbnail } from "./test-support/mjpeg-bytes.js";

const MiB = 1024 * 1024;

function parseAll(parser: MjpegParser, bytes: Buffer, chunkSizes: readonly number[] = [bytes.length]): Buffer[] {
  const parts: Buffer[] = [];
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    parts.push(...parser.push(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  return parts;
}

describe("parseStreamFraming", () => {
  it("reads the boundary, quoted or not, with or without its leading dashes", () => {
    expect(parseStreamFraming("multipart/x-mixed-replace; boundary=frame")).toEqual({ boundary: "frame" });
    expect(parseStreamFraming('multipart/x-mixed-replace;boundary="my frame"')).toEqual({ boundary: "my frame" });
    expect(parseStreamFraming("multipart/x-mixed-replace; boundary=--myboundary")).toEqual({ boundary: "myboundary" });
  });

  it("falls back to JPEG markers when there is no boundary", () => {
    expect(parseStreamFraming("multipart/x-mixed-replace")).toEqual({ boundary: null });
    expect(parseStreamFraming("video/x-motion-jpeg")).toEqual({ boundary: null });
  });

  it("refuses a page that cannot be a stream", () => {
    expect(() => parseStreamFraming("text/html; charset=utf-8")).toThrow(/not an MJPEG stream: content-type text\/html/);
  });
});

describe("MjpegParser", () => {
  let jpegs: Buffer[];
  beforeAll(async () => {
    jpegs = await makeJpegs(6);
  });

  it("returns each part byte for byte when parts carry Content-Length", () => {
    const parts = parseAll(new MjpegParser({ boundary: "frame" }, { maxPartBytes: MiB }), mjpegStream(jpegs));
    expect(parts).toEqual(jpegs);
  });

  it("returns each part byte for byte when parts have no Content-Length, by walking the JPEG", () => {
    const parts = parseAll(new MjpegParser({ boundary: "frame" }, { maxPartBytes: MiB }), mjpegStream(jpegs, { contentLength: false }));
    expect(parts).toEqual(jpegs);
  });

  it("gives the same parts however the stream is cut into chunks", () => {
    const withLength = mjpegStream(jpegs);
    const withoutLength = mjpegStream(jpegs, { contentLength: false });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 20 }), fc.boolean(), (sizes, useLength) => {
        const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: MiB });
        const parts = parseAll(parser, useLength ? withLength : withoutLength, sizes);
        // Buffer.equals rather than toEqual: a deep compare per byte would dominate the run time.
        return parts.length === jpegs.length && parts.every((part, i) => part.equals(jpegs[i]!));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps a JPEG whole when an embedded thumbnail carries its own end marker", () => {
    const outer = withEmbeddedThumbnail(jpegs[0]!, jpegs[1]!);
    const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: MiB });
    expect(parseAll(parser, mjpegStream([outer, jpegs[2]!], { contentLength: false }), [100])).toEqual([outer, jpegs[2]]);
  });

  it("reads parts that have no headers at all, and stops at the closing delimiter", () => {
    const bytes = Buffer.concat([
      Buffer.from("--frame\r\n"),
      jpegs[0]!,
      Buffer.from("\r\n--frame\r\n"),
      jpegs[1]!,
      Buffer.from("\r\n--frame--\r\n"),
    ]);
    const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: MiB });
    expect(parseAll(parser, bytes, [7])).toEqual([jpegs[0], jpegs[1]]);
    expect(parser.ended).toBe(true);
  });

  it("splits back-to-back JPEGs with bytes between them when there is no boundary", () => {
    const bytes = Buffer.concat([Buffer.from("junk"), jpegs[0]!, Buffer.from("\r\n\r\n"), jpegs[1]!]);
    expect(parseAll(new MjpegParser({ boundary: null }, { maxPartBytes: MiB }), bytes, [64])).toEqual([jpegs[0], jpegs[1]]);
  });

  it("reports a part whose Content-Length exceeds the cap before reading it", () => {
    const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: 1000 });
    const head = Buffer.from("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 5000000\r\n\r\n");
    expect(() => parser.push(head)).toThrow(/Content-Length 5000000 exceeds the cap of 1000 bytes/);
  });

  it("holds bounded memory and fails when a stream never sends a boundary", () => {
    const cap = 64 * 1024;
    const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: cap });
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let error: unknown;
    let maxBuffered = 0;
    for (let i = 0; i < 200 && error === undefined; i++) {
      try {
        parser.push(chunk);
      } catch (err) {
        error = err;
      }
      maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
    }
    expect(String(error)).toMatch(/no multipart boundary in \d+ bytes \(cap 65536 bytes\)/);
    expect(maxBuffered).toBeLessThanOrEqual(2 * cap + chunk.length);
  });

  it("holds bounded memory and fails when a JPEG part without Content-Length never ends", () => {
    const cap = 64 * 1024;
    const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: cap });
    // A real JPEG cut inside its compressed data, then compressed-looking bytes forever.
    const jpeg = jpegs[0]!;
    const start = mjpegPart(jpeg.subarray(0, jpeg.length - 100), { contentLength: false }).subarray(0, -2);
    let error: unknown;
    let maxBuffered = 0;
    try {
      parser.push(start);
      for (let i = 0; i < 200; i++) {
        parser.push(Buffer.alloc(16 * 1024, 0x11));
        maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
      }
    } catch (err) {
      error = err;
    }
    expect(String(error)).toMatch(/part larger than the cap of 65536 bytes/);
    expect(maxBuffered).toBeLessThanOrEqual(2 * cap + 16 * 1024);
  });

  it("reports a part that holds no JPEG", () => {
    const parser = new MjpegParser({ boundary: "frame" }, { maxPartBytes: MiB });
    const bytes = Buffer.from("--frame\r\nContent-Type: text/plain\r\n\r\nhello there\r\n--frame\r\n");
    expect(() => parser.push(bytes)).toThrow(/holds no JPEG \(starts "hello there"\)/);
  });
});
