import { CameraError } from "./camera-error.js";

const SOS = 0xda;
const EOI = 0xd9;

/**
 * Finds where a JPEG that starts at offset 0 ends, by walking its segments rather than searching
 * for the first FF D9: an EXIF thumbnail carries its own SOI/EOI inside an APP1 segment. The walk
 * resumes where it stopped, so feeding a growing buffer chunk by chunk costs linear time.
 */
export class JpegEndScanner {
  private pos = 2;
  private inEntropyData = false;

  reset(): void {
    this.pos = 2;
    this.inEntropyData = false;
  }

  /**
   * End offset (exclusive) of the JPEG in `bytes`, or -1 if more bytes are needed.
   * Throws a CameraError when the bytes are not a JPEG.
   */
  scan(bytes: Uint8Array): number {
    const length = bytes.length;
    if (length < 2) return -1;
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new CameraError("not a JPEG: no start-of-image marker");
    let p = this.pos;
    for (;;) {
      if (this.inEntropyData) {
        // Inside compressed data FF is stuffed as FF 00 and restart markers are FF D0–D7;
        // any other FF xx starts a marker.
        if (p >= length) {
          this.pos = p; // the scan header itself is still arriving
          return -1;
        }
        p = bytes.indexOf(0xff, p);
        if (p === -1 || p + 1 >= length) {
          this.pos = p === -1 ? length : p;
          return -1;
        }
        const next = bytes[p + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
          p += 2;
          continue;
        }
        if (next === 0xff) {
          p += 1;
          continue;
        }
        this.inEntropyData = false;
      }
      if (p >= length) {
        this.pos = p;
        return -1;
      }
      if (bytes[p] !== 0xff) throw new CameraError(`not a JPEG: expected a marker at byte ${p}, found 0x${hex(bytes[p]!)}`);
      let q = p + 1;
      while (q < length && bytes[q] === 0xff) q++; // fill bytes before a marker
      if (q >= length) {
        this.pos = p;
        return -1;
      }
      const marker = bytes[q]!;
      if (marker === EOI) return q + 1;
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        p = q + 1;
        continue;
      }
      if (marker === 0x00 || marker === 0xd8) throw new CameraError(`not a JPEG: unexpected marker FF ${hex(marker)} at byte ${p}`);
      if (q + 2 >= length) {
        this.pos = p;
        return -1;
      }
      const segmentLength = (bytes[q + 1]! << 8) | bytes[q + 2]!;
      if (segmentLength < 2) throw new CameraError(`not a JPEG: segment FF ${hex(marker)} at byte ${p} has length ${segmentLength}`);
      p = q + 1 + segmentLength;
      if (marker === SOS) this.inEntropyData = true;
    }
  }
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
