export interface Projection {
  /** Screen x (px) of a point `xM` metres east. */
  x(xM: number): number;
  /** Screen y (px) of a point `yM` metres north (screen y grows downwards). */
  y(yM: number): number;
  /** Pixels per metre. */
  scale: number;
}

/**
 * Fit every position into a `widthPx`×`heightPx` box with `paddingPx` around it, keeping the
 * aspect ratio (a street grid must not look squashed) and centring the result. One position, or
 * all in a line, still gets a sensible scale.
 */
export function fitProjection(positions: readonly { xM: number; yM: number }[], widthPx: number, heightPx: number, paddingPx: number): Projection {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of positions) {
    if (p.xM < minX) minX = p.xM;
    if (p.xM > maxX) maxX = p.xM;
    if (p.yM < minY) minY = p.yM;
    if (p.yM > maxY) maxY = p.yM;
  }
  if (positions.length === 0) {
    minX = maxX = minY = maxY = 0;
  }
  const usableW = Math.max(widthPx - 2 * paddingPx, 1);
  const usableH = Math.max(heightPx - 2 * paddingPx, 1);
  // A corridor (all on one line) scales by its length alone; a single point keeps 1 px/m.
  const byWidth = maxX > minX ? usableW / (maxX - minX) : Infinity;
  const byHeight = maxY > minY ? usableH / (maxY - minY) : Infinity;
  const fitted = Math.min(byWidth, byHeight);
  const s = Number.isFinite(fitted) ? fitted : 1;
  const offsetX = (widthPx - (maxX - minX) * s) / 2;
  const offsetY = (heightPx - (maxY - minY) * s) / 2;
  return {
    scale: s,
    x: (xM) => offsetX + (xM - minX) * s,
    y: (yM) => heightPx - offsetY - (yM - minY) * s,
  };
}
