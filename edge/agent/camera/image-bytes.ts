/** Image formats sharp decodes, told apart by their first bytes. */
export type ImageType = "jpeg" | "png" | "webp" | "gif" | "tiff";

export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (isJpeg(bytes)) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && bytes.length >= 12 && ascii(bytes, 8, 12) === "WEBP") return "webp";
  if (ascii(bytes, 0, 4) === "GIF8") return "gif";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  return null;
}

/** JPEG start-of-image marker followed by the first segment's marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xff, 0xd8, 0xff]);
}

/** The first bytes, printable, for an error message about something that is not an image. */
export function previewBytes(bytes: Uint8Array, count = 16): string {
  const head = bytes.subarray(0, count);
  const text = Buffer.from(head).toString("latin1");
  if (/^[\x20-\x7e\r\n\t]*$/.test(text)) return JSON.stringify(text);
  return Buffer.from(head).toString("hex").replace(/(..)/g, "$1 ").trim();
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  if (bytes.length < to) return "";
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString("latin1");
}
