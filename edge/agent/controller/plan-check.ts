import { checkPlanRules, type PlanBody } from "../../../protocol/index.js";
import type { ControllerConfig } from "./config.js";

export type PlanCheck = { ok: true; plan: PlanBody; validForMs: number } | { ok: false; reason: string; planId?: string };

/**
 * Check a plan against this controller's own rules; the hub is not trusted. `plan` may be anything
 * off the wire (a full protocol `Plan` or a bare `PlanBody`). Times are on the wall clock, read at
 * receipt: the plan must still be valid and valid for at most `limits.maxPlanValidityS`, and its
 * `ts` (or, for a `set-plan` command, the command's `sentAtMs`) within `limits.maxClockSkewS` of
 * `wallMs`. The reason names each broken rule. `validForMs` is what the caller times on its
 * monotonic clock.
 */
export function checkPlan(config: ControllerConfig, plan: unknown, wallMs: number, sentAtMs?: number): PlanCheck {
  // The plan rules the hub checked too (protocol/plan-rules.ts), checked again here: the hub is not trusted.
  const rules = checkPlanRules(config.phases, plan);
  if (!rules.ok && rules.plan === null) return { ok: false, reason: rules.errors.join("; "), planId: planIdOf(plan) };
  const body = rules.plan!;
  const { maxPlanValidityS, maxClockSkewS } = config.limits;
  const problems = rules.ok ? [] : [...rules.errors];
  const validForMs = body.validUntil - wallMs;
  if (validForMs <= 0) {
    problems.push(`plan.validUntil: expired ${(-validForMs / 1000).toFixed(1)} s ago (${isoOf(body.validUntil)})`);
  } else if (validForMs > maxPlanValidityS * 1000) {
    problems.push(`plan.validUntil: valid for ${(validForMs / 1000).toFixed(0)} s after receipt, more than this controller's maximum of ${maxPlanValidityS} s`);
  }
  const ts = tsOf(plan) ?? sentAtMs;
  if (ts !== undefined && Math.abs(ts - wallMs) > maxClockSkewS * 1000) {
    const field = tsOf(plan) === undefined ? "command.ts" : "plan.ts";
    problems.push(`${field}: ${skewText(ts, wallMs)} of this controller's clock (at most ${maxClockSkewS} s allowed)`);
  }
  if (problems.length > 0) return { ok: false, reason: problems.join("; ").slice(0, 1000), planId: body.planId };
  return { ok: true, plan: body, validForMs };
}

/** "12.3 s ahead" / "4000.0 s behind". */
export function skewText(ts: number, wallMs: number): string {
  return `${(Math.abs(ts - wallMs) / 1000).toFixed(1)} s ${ts > wallMs ? "ahead" : "behind"}`;
}

function isoOf(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function tsOf(plan: unknown): number | undefined {
  if (typeof plan !== "object" || plan === null || !("ts" in plan)) return undefined;
  return typeof plan.ts === "number" && Number.isFinite(plan.ts) ? plan.ts : undefined;
}

function planIdOf(plan: unknown): string | undefined {
  if (typeof plan !== "object" || plan === null || !("planId" in plan)) return undefined;
  const id = plan.planId;
  return typeof id === "string" && id.length > 0 ? id.slice(0, 100) : undefined;
}
