import { z } from "zod";
import { Id } from "../../../protocol/index.js";
import { ControllerConfig } from "../../../edge/agent/controller/index.js";

/** A SUMO detector the co-simulation places and reads. */
export const SumoDetector = z.strictObject({
  /** The id the controller and measures use. */
  id: Id,
  /** stop: loop at the stop line (counts, calls); advance: loop upstream (calls); queue: lane-area detector (halting vehicles, occupancy). */
  kind: z.enum(["stop", "advance", "queue"]),
  lane: z.string().min(1),
  /** Distance from the lane's start (m). */
  posM: z.number().min(0),
  /** Lane-area detectors only: length (m). */
  lengthM: z.number().positive().optional(),
  approachId: Id,
});
export type SumoDetector = z.infer<typeof SumoDetector>;

/**
 * One SUMO traffic light run by the project's edge controller: the controller's own configuration
 * (validated by its schema) and how it maps onto the net (which link indices each signal group
 * drives, which lanes each measured approach has, which detectors to place).
 */
export const SumoIntersectionConfig = z
  .strictObject({
    intersectionId: Id,
    tlsId: z.string().min(1),
    /** Signal group id → the SUMO link indices it drives. */
    links: z.record(Id, z.array(z.number().int().min(0)).min(1)),
    /** Links no group drives (never green in the net's program): the character they always show. */
    fixedLinks: z.array(z.object({ index: z.number().int().min(0), state: z.string().length(1) })).default([]),
    /** yields[i]: links that link i gives way to when both are green (shown as 'g' then, else 'G'). */
    yields: z.array(z.array(z.number().int().min(0))),
    detectors: z.array(SumoDetector).max(256),
    controller: ControllerConfig,
  })
  .superRefine((c, ctx) => {
    const groups = new Set(c.controller.signalGroups.map((g) => g.id));
    for (const id of Object.keys(c.links)) if (!groups.has(id)) ctx.addIssue({ code: "custom", path: ["links", id], message: `unknown signal group "${id}"` });
    for (const id of groups) if (!(id in c.links)) ctx.addIssue({ code: "custom", path: ["links"], message: `signal group "${id}" drives no link` });
    const n = c.yields.length;
    const seen = new Set<number>();
    for (const [id, list] of Object.entries(c.links)) {
      for (const i of list) {
        if (i >= n) ctx.addIssue({ code: "custom", path: ["links", id], message: `link ${i} is beyond the light's ${n} links` });
        if (seen.has(i)) ctx.addIssue({ code: "custom", path: ["links", id], message: `link ${i} is driven by two signal groups` });
        seen.add(i);
      }
    }
    const ids = new Set<string>();
    c.detectors.forEach((d, i) => {
      if (ids.has(d.id)) ctx.addIssue({ code: "custom", path: ["detectors", i, "id"], message: `detector "${d.id}" is defined twice` });
      ids.add(d.id);
      if (d.kind === "queue" && d.lengthM === undefined) ctx.addIssue({ code: "custom", path: ["detectors", i, "lengthM"], message: "a queue detector needs lengthM" });
    });
    c.controller.phases.forEach((p, i) =>
      p.detectors.forEach((d, j) => {
        if (!ids.has(d)) ctx.addIssue({ code: "custom", path: ["controller", "phases", i, "detectors", j], message: `unknown detector "${d}"` });
      }),
    );
  });
export type SumoIntersectionConfig = z.infer<typeof SumoIntersectionConfig>;
export type SumoIntersectionConfigInput = z.input<typeof SumoIntersectionConfig>;
