// What one V8 isolate's memory is made of, for /metrics and `bench:hostile`: which of the hub's
// isolates (its main thread, the broker's thread) holds a memory peak, and whether it is live
// objects (`used`), V8's capacity around them (`size` less `used`: semi-spaces, old space not yet
// collected) or memory outside the heap (`external`, `malloced`).
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

/** One isolate's heap in bytes: totals and, per V8 space, its committed size and what is in use. */
export interface HeapFigures {
  size: number;
  used: number;
  external: number;
  malloced: number;
  spaces: Record<string, { size: number; used: number }>;
}

/** The calling thread's isolate, now. */
export function heapFigures(): HeapFigures {
  const heap = getHeapStatistics();
  const spaces: HeapFigures["spaces"] = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = { size: s.space_size, used: s.space_used_size };
  return { size: heap.total_heap_size, used: heap.used_heap_size, external: heap.external_memory ?? 0, malloced: heap.malloced_memory, spaces };
}
