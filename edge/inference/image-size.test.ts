import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { imageSize } from "./image-size.js";

describe("imageSize", () => {
  it("reads width and height from JPEG (baseline and progressive) and PNG headers", async () => {
    const base = sharp({ create: { width: 321, height: 123, channels: 3, background: "#456" } });
    expect(imageSize(await base.clone().jpeg().toBuffer())).toEqual({ width: 321, height: 123 });
    expect(imageSize(await base.clone().jpeg({ progressive: true }).toBuffer())).toEqual({ width: 321, height: 123 });
    expect(imageSize(await base.clone().png().toBuffer())).toEqual({ width: 321, height: 123 });
  });

  it("gives up on other formats and damaged headers rather than guessing", async () => {
    expect(imageSize(new TextEncoder().encode("not an image at all"))).toBeUndefined();
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0x00, 0x00, 0x01]))).toBeUndefined();
    const webp = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#000" } }).webp().toBuffer();
    expect(imageSize(webp)).toBeUndefined();
  });
});
