import { z } from "zod";
import { Id, PhaseNumber } from "../../protocol/index.js";

/**
 * What a detector channel (the param of events 81/82) is, as ATSPM's detector configuration says
 * it: the phase it serves and whether it sits at the stop bar (presence: occupancy, split
 * failures, red and yellow actuations) or upstream (advance: arrivals, the coordination diagram,
 * approach delay). An advance detector's on-event is taken as the vehicle's arrival at the stop
 * bar `distanceM / speed` later, had it not been stopped.
 */
export const AtspmDetector = z
  .object({
    channel: z.number().int().min(1).max(65_535),
    phase: PhaseNumber,
    kind: z.enum(["stop-bar", "advance"]),
    approachId: Id.optional(),
    /** Advance detectors: distance upstream of the stop bar. */
    distanceM: z.number().min(0).max(2000).default(0),
    /** Advance detectors: approach speed, for the travel time to the stop bar. */
    speedKmh: z.number().min(5).max(130).default(50),
  })
  .strict();
export type AtspmDetector = z.infer<typeof AtspmDetector>;
export type AtspmDetectorInput = z.input<typeof AtspmDetector>;

export const AtspmConfig = z
  .object({
    detectors: z.array(AtspmDetector).max(512).default([]),
    /** Approach volume bins. */
    binMinutes: z.number().int().min(1).max(60).default(15),
    /** A "cycle" longer than this (the controller was in flash, say) is left out of every measure. */
    maxCycleS: z.number().min(30).max(3600).default(300),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<number>();
    c.detectors.forEach((d, i) => {
      if (seen.has(d.channel)) ctx.addIssue({ code: "custom", path: ["detectors", i, "channel"], message: `detector channel ${d.channel} is configured twice` });
      seen.add(d.channel);
    });
  });
export type AtspmConfig = z.infer<typeof AtspmConfig>;
export type AtspmConfigInput = z.input<typeof AtspmConfig>;

export function travelTimeMs(d: AtspmDetector): number {
  return d.kind === "advance" ? (d.distanceM / (d.speedKmh / 3.6)) * 1000 : 0;
}

/** Per channel: the detector, or undefined. A dense table, since channels are small numbers. */
export function detectorTable(config: AtspmConfig): (AtspmDetector | undefined)[] {
  const table: (AtspmDetector | undefined)[] = [];
  for (const d of config.detectors) table[d.channel] = d;
  return table;
}

/**
 * The detectors a measure pools: one phase on one approach, as ATSPM charts them. A phase that
 * serves two opposing approaches (a single-ring "2+6") gets a group per approach; detectors with
 * no approach pool per phase.
 */
export interface DetectorGroup {
  phase: number;
  approachId: string | null;
}

export function groupKey(d: AtspmDetector): string {
  return d.approachId === undefined ? String(d.phase) : `${d.phase}/${d.approachId}`;
}

/** Values per detector group, in phase then approach order. */
export type Grouped<T> = Map<string, DetectorGroup & { value: T }>;

export function sortedGroups<T>(grouped: Grouped<T>): (DetectorGroup & { value: T })[] {
  return [...grouped.values()].sort((a, b) => a.phase - b.phase || (a.approachId ?? "").localeCompare(b.approachId ?? ""));
}

export function groupEntry<T>(grouped: Grouped<T>, d: AtspmDetector, make: () => T): T {
  const key = groupKey(d);
  let entry = grouped.get(key);
  if (entry === undefined) grouped.set(key, (entry = { phase: d.phase, approachId: d.approachId ?? null, value: make() }));
  return entry.value;
}
