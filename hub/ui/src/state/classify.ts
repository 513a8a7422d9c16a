import type { IntersectionSummary } from "../net/contract.js";

/** What the operator must know first about an intersection's health, worst first. */
export const HEALTH_KINDS = ["offline", "flash", "fallback", "manual", "adaptive", "unknown"] as const;
export type Health = (typeof HEALTH_KINDS)[number];

/** Modes counted in the header: the four control modes plus offline. */
export const COUNTED_MODES = ["adaptive", "fallback", "manual", "flash", "offline"] as const;
export type CountedMode = (typeof COUNTED_MODES)[number];

/** An agent that is offline outranks whatever mode it last reported: that mode is no longer known. */
export function healthOf(x: Pick<IntersectionSummary, "online" | "mode">): Health {
  if (x.online === false) return "offline";
  return x.mode ?? "unknown";
}

export const CONGESTION_LEVELS = ["low", "medium", "high", "over", "unknown"] as const;
export type Congestion = (typeof CONGESTION_LEVELS)[number];

/**
 * Degree of saturation (flow over capacity) in bands a traffic engineer reads at a glance: below
 * 0.6 free-flowing, to 0.85 busy, to 1.0 near capacity, above 1.0 oversaturated (queues grow).
 */
export function congestionOf(degreeOfSaturation: number | null): Congestion {
  if (degreeOfSaturation === null || !Number.isFinite(degreeOfSaturation)) return "unknown";
  if (degreeOfSaturation < 0.6) return "low";
  if (degreeOfSaturation < 0.85) return "medium";
  if (degreeOfSaturation < 1) return "high";
  return "over";
}

export type ModeCounts = Record<CountedMode, number> & { unknown: number; alarmed: number; total: number };

export function countByMode(intersections: Iterable<IntersectionSummary>): ModeCounts {
  const counts: ModeCounts = { adaptive: 0, fallback: 0, manual: 0, flash: 0, offline: 0, unknown: 0, alarmed: 0, total: 0 };
  for (const x of intersections) {
    counts[healthOf(x)]++;
    if (x.activeAlarms > 0) counts.alarmed++;
    counts.total++;
  }
  return counts;
}

export type ModeFilter = "all" | CountedMode | "alarm";

export interface ListFilter {
  mode: ModeFilter;
  /** Case-insensitive; matches the id or the name. */
  search: string;
}

export function matchesFilter(x: IntersectionSummary, filter: ListFilter): boolean {
  if (filter.mode === "alarm" ? x.activeAlarms === 0 : filter.mode !== "all" && healthOf(x) !== filter.mode) return false;
  const needle = filter.search.trim().toLowerCase();
  if (needle === "") return true;
  return x.intersectionId.toLowerCase().includes(needle) || (x.name ?? "").toLowerCase().includes(needle);
}
