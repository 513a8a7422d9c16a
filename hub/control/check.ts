import { checkPlanRules, type PlanBody } from "../../protocol/index.js";
import type { IntersectionTiming } from "./config.js";

export type RuleCheck = { ok: true } | { ok: false; errors: string[] };

/**
 * The controller's plan rules (protocol/plan-rules.ts, the very code the edge runs before it
 * applies a plan), checked before a plan leaves the hub, against the phases the controller
 * published. Each error names the field it is about.
 */
export function checkPlanAgainstRules(config: IntersectionTiming, plan: PlanBody): RuleCheck {
  const result = checkPlanRules(config.phases, plan);
  return result.ok ? { ok: true } : { ok: false, errors: result.errors };
}
