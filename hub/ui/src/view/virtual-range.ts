export interface RowRange {
  /** First row index to render. */
  first: number;
  /** One past the last row index to render. */
  end: number;
}

/** Rows of a fixed-height list that intersect the viewport, with `overscan` rows either side. */
export function visibleRows(scrollTopPx: number, viewportPx: number, rowPx: number, count: number, overscan = 4): RowRange {
  if (count === 0 || rowPx <= 0) return { first: 0, end: 0 };
  const first = Math.max(0, Math.floor(scrollTopPx / rowPx) - overscan);
  const end = Math.min(count, Math.ceil((scrollTopPx + viewportPx) / rowPx) + overscan);
  return { first: Math.min(first, end), end };
}
