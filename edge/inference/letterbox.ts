/**
 * Letterbox geometry per model family. Pure: sizes in, placement out.
 * - ultralytics: centred, padding split in half with the -0.1/+0.1 rounding ultralytics uses.
 * - yolox: top-left, padding only right and bottom, size truncated like YOLOX's `int(w * r)`.
 */
export type LetterboxStyle = "centre" | "top-left";

export interface Letterbox {
  /** Scale from source pixels to model pixels. */
  scale: number;
  resizedWidth: number;
  resizedHeight: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
  inputWidth: number;
  inputHeight: number;
}

export function computeLetterbox(
  style: LetterboxStyle,
  sourceWidth: number,
  sourceHeight: number,
  inputWidth: number,
  inputHeight: number,
): Letterbox {
  const scale = Math.min(inputHeight / sourceHeight, inputWidth / sourceWidth);
  if (style === "centre") {
    const resizedWidth = Math.max(1, Math.round(sourceWidth * scale));
    const resizedHeight = Math.max(1, Math.round(sourceHeight * scale));
    const dw = (inputWidth - resizedWidth) / 2;
    const dh = (inputHeight - resizedHeight) / 2;
    const top = Math.round(dh - 0.1);
    const bottom = Math.round(dh + 0.1);
    const left = Math.round(dw - 0.1);
    const right = Math.round(dw + 0.1);
    return { scale, resizedWidth, resizedHeight, left, top, right, bottom, inputWidth, inputHeight };
  }
  const resizedWidth = Math.max(1, Math.floor(sourceWidth * scale));
  const resizedHeight = Math.max(1, Math.floor(sourceHeight * scale));
  return {
    scale,
    resizedWidth,
    resizedHeight,
    left: 0,
    top: 0,
    right: inputWidth - resizedWidth,
    bottom: inputHeight - resizedHeight,
    inputWidth,
    inputHeight,
  };
}

/** Model-input pixel x → source pixel x. */
export function unletterboxX(lb: Letterbox, x: number): number {
  return (x - lb.left) / lb.scale;
}

export function unletterboxY(lb: Letterbox, y: number): number {
  return (y - lb.top) / lb.scale;
}
