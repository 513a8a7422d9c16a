import sharp from "sharp";
import { seededRandom } from "../../../inference/virtual-loop/test-support/scene.js";

/**
 * `count` distinct JPEGs of noise (noise makes the compressed data full of stuffed FF 00 bytes,
 * which is what a marker scanner must get right). Every third one is progressive: several scans.
 */
export async function makeJpegs(count: number, width = 48, height = 32): Promise<Buffer[]> {
  const random = seededRandom(count * 7919 + width);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = Buffer.alloc(width * height * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = Math.floor(random() * 256);
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90, progressive: i % 3 === 2 })
      .toBuffer();
    out.push(jpeg);
  }
  return out;
}

export async function makePng(width = 16, height = 16): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 30 } } })
    .png()
    .toBuffer();
}

/** Which of `known` equals `bytes`, or -1: frames are identified by their exact bytes. */
export function indexOfBytes(known: readonly Buffer[], bytes: unknown): number {
  if (!(bytes instanceof Uint8Array)) return -1;
  return known.findIndex((k) => k.equals(bytes));
}
