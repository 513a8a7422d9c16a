import sharp from "sharp";
import { MAX_SNAPSHOT_JPEG_BASE64, SnapshotGeometry } from "../../../protocol/index.js";
import { openImage, type CameraConfig, type FrameInput, type ObjectDetection } from "../../inference/index.js";

/** Tried in turn until the base64 JPEG fits the protocol's cap: width in pixels, JPEG quality. */
const ATTEMPTS: readonly { width: number; quality: number }[] = [
  { width: 640, quality: 70 },
  { width: 640, quality: 50 },
  { width: 480, quality: 45 },
  { width: 320, quality: 40 },
];

/** The camera configuration as the snapshot carries it: whole, so the zone editor can send it back. */
export function geometryOf(camera: CameraConfig): SnapshotGeometry {
  return SnapshotGeometry.parse(structuredClone(camera));
}

/**
 * The frame as a small JPEG with the detections' boxes drawn in (zones and lines are drawn by the
 * dashboard from the geometry, so they stay sharp and editable), downscaled and recompressed until
 * its base64 fits `maxBase64` (default: the protocol's cap). Returns null when even the smallest
 * does not fit.
 */
export async function snapshotJpeg(
  frame: FrameInput,
  camera: CameraConfig,
  detections: readonly ObjectDetection[],
  maxBase64 = MAX_SNAPSHOT_JPEG_BASE64,
): Promise<{ jpegBase64: string; width: number; quality: number } | null> {
  const { image } = await openImage(frame);
  // Boxes are in camera-configuration pixels: drawn on a frame resized to that size first.
  const base = await image.removeAlpha().resize(camera.width, camera.height, { fit: "fill" }).raw().toBuffer({ resolveWithObject: true });
  const boxes = detections
    .slice(0, 200)
    .map((d) => {
      const { x1, y1, x2, y2 } = d.box;
      return `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${Math.max(1, x2 - x1).toFixed(1)}" height="${Math.max(1, y2 - y1).toFixed(1)}" fill="none" stroke="#ffd400" stroke-width="${Math.max(2, camera.width / 320)}"/>`;
    })
    .join("");
  const raw = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels as 3 } };
  const overlay = Buffer.from(`<svg width="${camera.width}" height="${camera.height}">${boxes}</svg>`);
  const drawn = boxes === "" ? base.data : await sharp(base.data, raw).composite([{ input: overlay }]).removeAlpha().raw().toBuffer();
  for (const attempt of ATTEMPTS) {
    const width = Math.min(attempt.width, camera.width);
    const jpeg = await sharp(drawn, raw).resize(width).jpeg({ quality: attempt.quality, mozjpeg: false }).toBuffer();
    const jpegBase64 = jpeg.toString("base64");
    if (jpegBase64.length <= maxBase64) return { jpegBase64, width, quality: attempt.quality };
  }
  return null;
}
