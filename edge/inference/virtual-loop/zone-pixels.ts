/**
 * The pixels the virtual-loop model looks at: the union of all zones. Only these carry occupancy or
 * a background worth keeping, so the model gathers them right after its input and works on K
 * pixels instead of the whole frame (typically under a tenth of it).
 */

/** Row-major indices (y·width + x) of every pixel inside at least one zone mask, ascending. */
export function zonePixelIndex(masks: readonly Uint8Array[]): Int32Array {
  if (masks.length === 0) return new Int32Array(0);
  const plane = masks[0].length;
  const union = new Uint8Array(plane);
  for (const mask of masks) {
    for (let p = 0; p < plane; p++) union[p] |= mask[p];
  }
  const index = new Int32Array(union.reduce((sum, v) => sum + v, 0));
  let k = 0;
  for (let p = 0; p < plane; p++) if (union[p] === 1) index[k++] = p;
  return index;
}

/**
 * Zone membership of the gathered pixels as a row-major [K, zones] 0/1 matrix: row k says which
 * zones pixel `index[k]` belongs to (more than one where zones overlap).
 */
export function zoneMembership(masks: readonly Uint8Array[], index: Int32Array): Uint8Array {
  const zones = masks.length;
  const matrix = new Uint8Array(index.length * zones);
  masks.forEach((mask, z) => {
    for (let k = 0; k < index.length; k++) matrix[k * zones + z] = mask[index[k]];
  });
  return matrix;
}

/**
 * Gather the zone pixels of a CHW frame (3 planes of `plane` pixels) into `out`, laid out as the
 * model's [3, K] zone-pixel tensors: channel c of pixel k at c·K + k. Returns `out`.
 */
export function gatherZonePixels(
  frame: Float32Array,
  index: Int32Array,
  plane: number,
  out: Float32Array = new Float32Array(3 * index.length),
): Float32Array {
  const k = index.length;
  if (out.length !== 3 * k) throw new RangeError(`gatherZonePixels: out needs ${3 * k} floats, got ${out.length}`);
  if (frame.length !== 3 * plane) throw new RangeError(`gatherZonePixels: frame needs ${3 * plane} floats, got ${frame.length}`);
  for (let c = 0; c < 3; c++) {
    const from = c * plane;
    const to = c * k;
    for (let i = 0; i < k; i++) out[to + i] = frame[from + index[i]];
  }
  return out;
}
