import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { MAX_SNAPSHOT_JPEG_BASE64, SnapshotGeometry } from "../../../protocol/index.js";
import { parseCameraConfig } from "../../inference/index.js";
import { geometryOf, snapshotJpeg } from "./snapshot-image.js";

const camera = parseCameraConfig({
  width: 1280,
  height: 720,
  approaches: [{ id: "N", zones: [{ id: "N-loop", kind: "loop", polygon: [[100, 100], [200, 100], [200, 150], [100, 150]] }], lines: [{ id: "N-stop", from: [0, 160], to: [300, 160] }] }],
});

/** A noisy 1280×720 frame: it compresses badly, as a busy street does. */
async function noisyFrame(): Promise<Buffer> {
  const data = Buffer.alloc(1280 * 720 * 3);
  let x = 12345;
  for (let i = 0; i < data.length; i++) data[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 23;
  return sharp(data, { raw: { width: 1280, height: 720, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

describe("snapshot images", () => {
  it("fits the protocol's cap by downscaling and recompressing, and says when nothing fits", async () => {
    const frame = await noisyFrame();
    const box = { classId: 2, label: "car", vehicleClass: "car" as const, score: 0.9, box: { x1: 100, y1: 100, x2: 300, y2: 200 } };
    const fitted = await snapshotJpeg(frame, camera, [box]);
    expect(fitted).not.toBeNull();
    expect(fitted!.jpegBase64.length).toBeLessThanOrEqual(MAX_SNAPSHOT_JPEG_BASE64);
    // Noise does not fit at the first size and quality: a later attempt was taken.
    expect(fitted!.width < 640 || fitted!.quality < 70).toBe(true);
    expect(await snapshotJpeg(frame, camera, [], 100)).toBeNull();
  });

  it("carries the camera's zones and lines as protocol geometry", () => {
    const geometry = SnapshotGeometry.parse(geometryOf(camera));
    expect(geometry.approaches[0]).toMatchObject({ id: "N", zones: [{ id: "N-loop", kind: "loop", polygon: [[100, 100], [200, 100], [200, 150], [100, 150]] }], lines: [{ id: "N-stop", from: [0, 160], to: [300, 160] }] });
    // Whole: what the editor sends back is a valid camera configuration again.
    expect(parseCameraConfig(geometry)).toEqual(camera);
  });
});
