import { z } from "zod";
import { PlanBody } from "../../../protocol/index.js";

/**
 * What must survive a restart: a latched fault (a restart never clears it), an operator's flash,
 * and the last accepted plan (checked again on restore, so an expired one is simply dropped).
 */
export const PersistedState = z.object({
  version: z.literal(1),
  fault: z
    .object({
      message: z.string().max(1000),
      atMs: z.number().int().nonnegative(),
    })
    .nullable(),
  operatorFlash: z.boolean().default(false),
  plan: PlanBody.nullable().default(null),
});
export type PersistedState = z.infer<typeof PersistedState>;
