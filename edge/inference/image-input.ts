import sharp, { type Sharp } from "sharp";
import { z } from "zod";
import { imageSize } from "./image-size.js";
import type { Letterbox } from "./letterbox.js";

/** A raw, packed RGB frame (what a camera driver or the simulator hands over). */
export const RawRgbFrame = z
  .object({
    data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: "expected raw RGB bytes (a Uint8Array)" }),
    width: z.number().int().positive().max(16_384),
    height: z.number().int().positive().max(16_384),
    channels: z.literal(3),
  })
  .refine((f) => f.data.byteLength === f.width * f.height * 3, {
    message: "raw RGB data length must equal width × height × 3",
    path: ["data"],
  });
export type RawRgbFrame = z.infer<typeof RawRgbFrame>;

/** A frame from anywhere: a file path, encoded bytes (JPEG, PNG, …) or raw RGB. */
export type FrameInput = string | Uint8Array | RawRgbFrame;

export class ImageInputError extends Error {
  override name = "ImageInputError";
}

/** Sharp pipeline for the input plus its size, or an ImageInputError that says why it is not an image. */
export async function openImage(input: FrameInput, label = describe(input)): Promise<{ image: Sharp; width: number; height: number }> {
  if (typeof input === "object" && !(input instanceof Uint8Array)) {
    const parsed = RawRgbFrame.safeParse(input);
    if (!parsed.success) throw new ImageInputError(`${label}: ${parsed.error.issues[0]?.message ?? "bad raw frame"}`);
    const { data, width, height } = parsed.data;
    return { image: sharp(data, { raw: { width, height, channels: 3 } }), width, height };
  }
  if (input instanceof Uint8Array) {
    const size = imageSize(input);
    // The pipeline itself still validates the whole file (failOn "error") when it decodes.
    if (size) return { image: sharp(input, { failOn: "error" }), ...size };
  }
  try {
    // failOn "error" rejects truncated or corrupt files instead of decoding garbage.
    const image = sharp(input, { failOn: "error" });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) throw new Error("no dimensions");
    return { image, width: meta.width, height: meta.height };
  } catch (err) {
    const message = (err as Error).message;
    if (typeof input === "string" && /missing|no such file/i.test(message)) {
      throw new ImageInputError(`${input}: no such image file`);
    }
    throw new ImageInputError(`${label}: not an image (${firstLine(message)})`);
  }
}

function describe(input: FrameInput): string {
  if (typeof input === "string") return input;
  if (input instanceof Uint8Array) return `image buffer (${input.byteLength} bytes)`;
  return "raw frame";
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

export interface TensorLayout {
  /** Channel order the model wants. */
  channelOrder: "rgb" | "bgr";
  /** Multiply 0–255 values by this (1/255 for ultralytics, 1 for YOLOX). */
  valueScale: number;
  padValue: number;
}

/**
 * Letterbox an image into `target` (CHW float32, reused between frames). sharp only decodes and
 * resizes (using JPEG shrink-on-load); the padding is written here, straight into the tensor,
 * which is cheaper than a libvips `extend` and a second copy.
 */
export async function letterboxInto(image: Sharp, lb: Letterbox, layout: TensorLayout, target: Float32Array): Promise<void> {
  const { data, info } = await decoded(
    image.removeAlpha().toColorspace("srgb").resize(lb.resizedWidth, lb.resizedHeight, { fit: "fill", kernel: "linear" }).raw(),
  );
  if (info.width !== lb.resizedWidth || info.height !== lb.resizedHeight || info.channels !== 3) {
    throw new ImageInputError(`resize produced ${info.width}×${info.height}×${info.channels}, expected ${lb.resizedWidth}×${lb.resizedHeight}×3`);
  }
  const W = lb.inputWidth;
  const H = lb.inputHeight;
  if (target.length !== 3 * W * H) throw new Error(`tensor buffer holds ${target.length} values, need ${3 * W * H}`);
  const pad = layout.padValue * layout.valueScale;
  const k = layout.valueScale;
  const [c0, c2] = layout.channelOrder === "rgb" ? [0, 2] : [2, 0];
  const plane = W * H;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    target.fill(pad, base, base + lb.top * W);
    target.fill(pad, base + (lb.top + lb.resizedHeight) * W, base + plane);
  }
  const rw = lb.resizedWidth;
  for (let y = 0; y < lb.resizedHeight; y++) {
    const row = (lb.top + y) * W;
    if (lb.left > 0 || lb.right > 0) {
      for (let c = 0; c < 3; c++) {
        const base = c * plane + row;
        target.fill(pad, base, base + lb.left);
        target.fill(pad, base + lb.left + rw, base + W);
      }
    }
    let o = row + lb.left;
    for (let x = 0, j = y * rw * 3; x < rw; x++, j += 3, o++) {
      target[o] = data[j + c0]! * k;
      target[plane + o] = data[j + 1]! * k;
      target[2 * plane + o] = data[j + c2]! * k;
    }
  }
}

/** Raw RGB frame resized to exactly width×height (no letterbox), as CHW float 0–255: the virtual-loop input. */
export async function resizeInto(image: Sharp, width: number, height: number, target: Float32Array): Promise<void> {
  const { data, info } = await decoded(image.removeAlpha().toColorspace("srgb").resize(width, height, { fit: "fill", kernel: "linear" }).raw());
  if (info.channels !== 3) throw new ImageInputError(`expected 3 channels, got ${info.channels}`);
  hwcToChw(data, width * height, { channelOrder: "rgb", valueScale: 1, padValue: 0 }, target);
}

/**
 * A raw RGB frame whose size is a whole multiple of `width`×`height`, box-averaged straight into a
 * CHW float tensor (0–255) in JS: for small tensors this is several times cheaper than a sharp
 * pipeline, whose fixed cost per call dominates. Returns false when the sizes do not fit.
 */
export function downsampleRawInto(frame: RawRgbFrame, width: number, height: number, target: Float32Array): boolean {
  const k = frame.width / width;
  if (!Number.isInteger(k) || k < 1 || frame.height !== height * k) return false;
  if (target.length !== 3 * width * height) throw new Error(`tensor buffer holds ${target.length} values, need ${3 * width * height}`);
  const src = frame.data;
  const plane = width * height;
  const rowBytes = frame.width * 3;
  const norm = 1 / (k * k);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < k; dy++) {
        let o = (y * k + dy) * rowBytes + x * k * 3;
        for (let dx = 0; dx < k; dx++, o += 3) {
          r += src[o]!;
          g += src[o + 1]!;
          b += src[o + 2]!;
        }
      }
      const i = y * width + x;
      target[i] = r * norm;
      target[plane + i] = g * norm;
      target[2 * plane + i] = b * norm;
    }
  }
  return true;
}

/** Run a sharp pipeline; a file that turns out not to decode is "not an image", like one whose header fails. */
async function decoded(pipeline: Sharp): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageInputError(`image: not an image (${firstLine((err as Error).message)})`);
  }
}

export function hwcToChw(src: Uint8Array, pixels: number, layout: TensorLayout, target: Float32Array): void {
  if (target.length !== pixels * 3) throw new Error(`tensor buffer holds ${target.length} values, need ${pixels * 3}`);
  const k = layout.valueScale;
  const [c0, c2] = layout.channelOrder === "rgb" ? [0, 2] : [2, 0];
  const p1 = pixels;
  const p2 = pixels * 2;
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    target[i] = src[j + c0]! * k;
    target[p1 + i] = src[j + 1]! * k;
    target[p2 + i] = src[j + c2]! * k;
  }
}
