import type { PixelRect } from "./camera-zones.js";
import type { Rgb } from "./vehicle-look.js";

/**
 * Drawing on packed RGB buffers (row-major, 3 bytes a pixel). A pixel is inside a shape when its
 * centre (x + ½, y + ½) is: shapes have hard edges, which keeps the pictures deterministic and cheap.
 */
export interface RgbCanvas {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Whole-pixel span [first, last] whose centres lie in [a, b), clipped to [0, size). */
function span(a: number, b: number, size: number): [number, number] {
  return [Math.max(0, Math.ceil(a - 0.5)), Math.min(size - 1, Math.ceil(b - 0.5) - 1)];
}

export function fillRect(c: RgbCanvas, r: PixelRect, rgb: Rgb): void {
  const [x0, x1] = span(r.x0, r.x1, c.width);
  const [y0, y1] = span(r.y0, r.y1, c.height);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0, i = (y * c.width + x0) * 3; x <= x1; x++, i += 3) {
      c.data[i] = rgb[0];
      c.data[i + 1] = rgb[1];
      c.data[i + 2] = rgb[2];
    }
  }
}

/** Paint an ellipse, or with `factor` multiply what is there (a shadow). */
export function fillEllipse(c: RgbCanvas, cx: number, cy: number, rx: number, ry: number, paint: Rgb | { factor: number }): void {
  const [x0, x1] = span(cx - rx, cx + rx, c.width);
  const [y0, y1] = span(cy - ry, cy + ry, c.height);
  for (let y = y0; y <= y1; y++) {
    const dy = (y + 0.5 - cy) / ry;
    for (let x = x0; x <= x1; x++) {
      const dx = (x + 0.5 - cx) / rx;
      if (dx * dx + dy * dy > 1) continue;
      const i = (y * c.width + x) * 3;
      if ("factor" in paint) {
        c.data[i] = Math.round(c.data[i] * paint.factor);
        c.data[i + 1] = Math.round(c.data[i + 1] * paint.factor);
        c.data[i + 2] = Math.round(c.data[i + 2] * paint.factor);
      } else {
        c.data[i] = paint[0];
        c.data[i + 1] = paint[1];
        c.data[i + 2] = paint[2];
      }
    }
  }
}

/** A rectangle turned to its heading, in pixels: centre, unit heading, half length and half width. */
export interface OrientedRect {
  cx: number;
  cy: number;
  ux: number;
  uy: number;
  halfLength: number;
  halfWidth: number;
}

/** The pixel bounding box of an oriented rectangle (continuous pixels, not clipped). */
export function boundsOf(r: OrientedRect): PixelRect {
  const ex = Math.abs(r.ux) * r.halfLength + Math.abs(r.uy) * r.halfWidth;
  const ey = Math.abs(r.uy) * r.halfLength + Math.abs(r.ux) * r.halfWidth;
  return { x0: r.cx - ex, y0: r.cy - ey, x1: r.cx + ex, y1: r.cy + ey };
}

/** Whether an oriented rectangle and an axis-aligned one overlap (separating-axis test, touching is not overlapping). */
export function overlapsRect(r: OrientedRect, box: PixelRect): boolean {
  const hx = (box.x1 - box.x0) / 2;
  const hy = (box.y1 - box.y0) / 2;
  const dx = (box.x0 + box.x1) / 2 - r.cx;
  const dy = (box.y0 + box.y1) / 2 - r.cy;
  const ax = Math.abs(r.ux);
  const ay = Math.abs(r.uy);
  if (Math.abs(dx) >= hx + ax * r.halfLength + ay * r.halfWidth) return false;
  if (Math.abs(dy) >= hy + ay * r.halfLength + ax * r.halfWidth) return false;
  if (Math.abs(dx * r.ux + dy * r.uy) >= r.halfLength + ax * hx + ay * hy) return false;
  return Math.abs(dy * r.ux - dx * r.uy) < r.halfWidth + ay * hx + ax * hy;
}

/** Share of a pixel an oriented rectangle covers, from its centre's distances along and across (a box-filter approximation). */
function coverage(r: OrientedRect, along: number, across: number): number {
  const a = r.halfLength + 0.5 - (along < 0 ? -along : along);
  const b = r.halfWidth + 0.5 - (across < 0 ? -across : across);
  if (a <= 0 || b <= 0) return 0;
  return (a < 1 ? a : 1) * (b < 1 ? b : 1);
}

/** Pixel span an oriented rectangle touches, with its antialiased rim. */
function touchedBounds(c: RgbCanvas, r: OrientedRect): [number, number, number, number] {
  const b = boundsOf(r);
  const [x0, x1] = span(b.x0 - 0.5, b.x1 + 0.5, c.width);
  const [y0, y1] = span(b.y0 - 0.5, b.y1 + 0.5, c.height);
  return [x0, x1, y0, y1];
}

/**
 * Paint an oriented rectangle in bands from its front (fraction 0) to its rear (1). `lit` holds
 * each band's colour already lit (3 bytes a band), `noise` adds sensor noise at `noiseOffset`.
 * Edge pixels blend by the share they cover, as a lens and sensor would: a bicycle 1.9 px wide
 * shows as two or three pixels of partial contrast, never as one hard pixel or none.
 */
export function paintBands(
  c: RgbCanvas,
  r: OrientedRect,
  bandEnds: readonly number[],
  lit: Uint8Array,
  noise: Int8Array | null,
  noiseOffset: number,
): void {
  const [x0, x1, y0, y1] = touchedBounds(c, r);
  const length = 2 * r.halfLength;
  const out = c.data;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - r.cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - r.cx;
      const along = dx * r.ux + dy * r.uy;
      const across = dy * r.ux - dx * r.uy;
      const cover = coverage(r, along, across);
      if (cover === 0) continue;
      const fraction = Math.min(1, Math.max(0, (r.halfLength - along) / length));
      let band = 0;
      while (band < bandEnds.length - 1 && fraction > bandEnds[band]) band++;
      const i = (y * c.width + x) * 3;
      const k = band * 3;
      for (let ch = 0; ch < 3; ch++) {
        const colour = noise === null ? lit[k + ch] : lit[k + ch] + noise[noiseOffset + i + ch];
        out[i + ch] = clampByte(Math.round(out[i + ch] + (colour - out[i + ch]) * cover));
      }
    }
  }
}

/** Multiply the pixels under an oriented rectangle by factor256 / 256 (a vehicle's shadow), blending its rim. */
export function darkenRect(c: RgbCanvas, r: OrientedRect, factor256: number): void {
  const [x0, x1, y0, y1] = touchedBounds(c, r);
  const out = c.data;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - r.cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - r.cx;
      const cover = coverage(r, dx * r.ux + dy * r.uy, dy * r.ux - dx * r.uy);
      if (cover === 0) continue;
      const f = 256 - Math.round((256 - factor256) * cover);
      const i = (y * c.width + x) * 3;
      out[i] = (out[i] * f) >> 8;
      out[i + 1] = (out[i + 1] * f) >> 8;
      out[i + 2] = (out[i + 2] * f) >> 8;
    }
  }
}

export function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
