import { beforeAll, describe, expect, it } from "vitest";
import { CameraError } from "./camera-error.js";
import { JpegEndScanner } from "./jpeg-end-scanner.js";
import { makeJpegs } from "./test-support/jpegs.js";
import { withEmbeddedThumbnail } from "./test-support/mjpeg-bytes.js";

describe("JpegEndScanner", () => {
  let jpegs: Buffer[];
  beforeAll(async () => {
    jpegs = await makeJpegs(3); // the third is progressive: several scans
  });

  it("finds the end of baseline and progressive JPEGs followed by other bytes", () => {
    for (const jpeg of jpegs) {
      const scanner = new JpegEndScanner();
      expect(scanner.scan(Buffer.concat([jpeg, Buffer.from("\r\n--frame\r\n")]))).toBe(jpeg.length);
    }
  });

  it("needs more bytes until the end-of-image marker has arrived, resuming where it stopped", () => {
    for (const jpeg of jpegs) {
      // One byte more each time, so every marker is at some point cut between its two bytes.
      const scanner = new JpegEndScanner();
      let early = 0;
      for (let n = 1; n < jpeg.length; n++) if (scanner.scan(jpeg.subarray(0, n)) !== -1) early++;
      expect(early).toBe(0);
      expect(scanner.scan(jpeg)).toBe(jpeg.length);
    }
  });

  it("is not fooled by the end marker of an embedded thumbnail", () => {
    const outer = withEmbeddedThumbnail(jpegs[0]!, jpegs[1]!);
    expect(new JpegEndScanner().scan(outer)).toBe(outer.length);
  });

  it("rejects bytes that are not a JPEG", () => {
    expect(() => new JpegEndScanner().scan(Buffer.from("<html>nope</html>"))).toThrow(CameraError);
    const broken = Buffer.concat([jpegs[0]!.subarray(0, 2), Buffer.from("garbage after the start marker")]);
    expect(() => new JpegEndScanner().scan(broken)).toThrow(/expected a marker at byte 2/);
  });
});
