import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";

/** A point in model pixel coordinates: the image spans [0, width] × [0, height]. */
export const ModelPoint = z.tuple([z.number(), z.number()]);
export type ModelPoint = z.infer<typeof ModelPoint>;

export const VirtualLoopZone = z.object({
  id: z.string().min(1),
  polygon: z.array(ModelPoint).min(3, {
    error: (issue) =>
      `polygon needs at least 3 points, got ${Array.isArray(issue.input) ? issue.input.length : "none"}`,
  }),
});
export type VirtualLoopZone = z.infer<typeof VirtualLoopZone>;

const Resolution = z.number().int().min(8).max(1024);

export const VirtualLoopSpec = z
  .object({
    /** The model's input resolution; the caller resizes frames to it. */
    width: Resolution,
    height: Resolution,
    zones: z.array(VirtualLoopZone).min(1).max(64),
    /** 0–255 scale: a pixel is foreground when max over RGB of |frame − background| exceeds it. */
    diffThreshold: z.number().min(0).max(255).default(30),
    /** A zone is occupied when at least this share of its pixels is foreground. */
    occupiedFraction: z.number().gt(0).max(1).default(0.25),
    /** Background learning rate per frame. */
    backgroundAlpha: z.number().min(0).max(1).default(0.05),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.zones.forEach((zone, i) => {
      if (seen.has(zone.id)) {
        ctx.addIssue({ code: "custom", path: ["zones", i, "id"], message: `duplicate zone id "${zone.id}"` });
      }
      seen.add(zone.id);
    });
  });
export type VirtualLoopSpec = z.infer<typeof VirtualLoopSpec>;
/** What a caller may write: the defaulted fields are optional. */
export type VirtualLoopSpecInput = z.input<typeof VirtualLoopSpec>;

/** Validate a spec, throwing a ValidationError that names each bad field (`virtualLoop.zones[1].polygon: ...`). */
export function parseVirtualLoopSpec(input: unknown, root = "virtualLoop"): VirtualLoopSpec {
  return parseOrThrow(VirtualLoopSpec, input, root);
}
