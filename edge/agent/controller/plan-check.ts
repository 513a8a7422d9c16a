import { PlanBody, formatIssues } from "../../../protocol/index.js";
import type { ControllerConfig } from "./config.js";
import { splitIssues } from "./split-rules.js";

export type PlanCheck = { ok: true; plan: PlanBody } | { ok: false; reason: string; planId?: string };

/**
 * Check a plan against this controller's own rules; the hub is not trusted. `plan` may be anything
 * off the wire (a full protocol `Plan` or a bare `PlanBody`). The reason names each broken rule.
 */
export function checkPlan(config: ControllerConfig, plan: unknown, nowMs: number): PlanCheck {
  const parsed = PlanBody.safeParse(plan);
  if (!parsed.success) return { ok: false, reason: formatIssues("plan", parsed.error), planId: planIdOf(plan) };
  const body = parsed.data;
  const problems = splitIssues(config.phases, body.splitsS, body.cycleS, body.omitPhases).map(
    (issue) => `plan.${issue.path.join(".")}: ${issue.message}`,
  );
  if (body.validUntil <= nowMs) {
    problems.push(`plan.validUntil: expired ${((nowMs - body.validUntil) / 1000).toFixed(1)} s ago (${new Date(body.validUntil).toISOString()})`);
  }
  if (problems.length > 0) return { ok: false, reason: problems.join("; ").slice(0, 1000), planId: body.planId };
  return { ok: true, plan: body };
}

function planIdOf(plan: unknown): string | undefined {
  if (typeof plan !== "object" || plan === null || !("planId" in plan)) return undefined;
  const id = plan.planId;
  return typeof id === "string" && id.length > 0 ? id.slice(0, 100) : undefined;
}
