/** Builds MJPEG stream bytes the way cameras send them. */
export interface MjpegPartOptions {
  boundary?: string;
  /** Send a Content-Length header per part (default true). */
  contentLength?: boolean;
}

export function mjpegPart(jpeg: Buffer, { boundary = "frame", contentLength = true }: MjpegPartOptions = {}): Buffer {
  const headers = [`--${boundary}`, "Content-Type: image/jpeg"];
  if (contentLength) headers.push(`Content-Length: ${jpeg.length}`);
  return Buffer.concat([Buffer.from(`${headers.join("\r\n")}\r\n\r\n`, "latin1"), jpeg, Buffer.from("\r\n", "latin1")]);
}

export function mjpegStream(jpegs: readonly Buffer[], options: MjpegPartOptions = {}): Buffer {
  return Buffer.concat(jpegs.map((j) => mjpegPart(j, options)));
}

/**
 * The JPEG with an APP1 segment inserted that carries a whole second JPEG (as an EXIF thumbnail
 * does): its FF D9 comes long before the outer image's end.
 */
export function withEmbeddedThumbnail(jpeg: Buffer, thumbnail: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), thumbnail]);
  const header = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}
