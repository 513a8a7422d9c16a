import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { Plan, PlanBody } from "../../../protocol/index.js";
import { actorOf, requireRole } from "../auth-hooks.js";
import { ApiError, notFound } from "../errors.js";
import { ErrorBody, IntersectionParams, PlanOverrideBody, PlanOverrideResult, PlanRecord } from "../contract.js";

export { PlanOverrideBody } from "../contract.js";
import type { AuditLog } from "../../services/audit-log.js";
import type { IntersectionViews } from "../intersection-views.js";
import type { ApiServices } from "../services.js";

const PlansQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export interface PlanRoutesOptions {
  planning: ApiServices["planning"];
  views: Pick<IntersectionViews, "has">;
  audit: AuditLog;
  now: () => number;
}

export const planRoutes: FastifyPluginAsyncZod<PlanRoutesOptions> = async (app, { planning, views, audit, now }) => {
  const mayOverride = requireRole(audit, { role: "operator", what: "override plans", auditAction: () => "plan.override" }, now);
  const mayRelease = requireRole(audit, { role: "operator", what: "release plan overrides", auditAction: () => "plan.release" }, now);

  /** 404 for an intersection nobody knows; 422 for one heard of but without timing here. */
  const plannable = (id: string): void => {
    if (planning.planner.has(id)) return;
    if (!views.has(id)) throw notFound(`no intersection ${id}`);
    throw new ApiError(422, "plan_rejected", `intersection ${id} has no timing configuration at this hub`, [`intersection ${id} has no timing configuration at this hub`]);
  };

  app.get(
    "/api/intersections/:id/plans",
    {
      schema: {
        summary: "Plans sent to the intersection, newest first, with why each was chosen",
        tags: ["plans"],
        params: IntersectionParams,
        querystring: PlansQuery,
        response: { 200: z.array(PlanRecord) },
      },
    },
    async (request) => planning.plans(request.params.id, request.query.limit),
  );

  app.put(
    "/api/intersections/:id/plan-override",
    {
      preValidation: mayOverride,
      schema: {
        summary: "Hold an operator's plan (checked against the intersection's rules) for durationS",
        tags: ["plans"],
        params: IntersectionParams,
        body: PlanOverrideBody,
        response: { 200: PlanOverrideResult, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => {
      const { id } = request.params;
      plannable(id);
      const actor = actorOf(request);
      const { durationS, reason, policy, ...timing } = request.body;
      const body: PlanBody = { ...timing, validUntil: now() + durationS * 1000, reason: reason ?? `operator override by ${actor.name}`, policy: policy ?? "manual" };
      const result = await planning.override(id, body, actor);
      if (!result.ok) throw new ApiError(422, "plan_rejected", `plan ${body.planId} breaks the intersection's rules`, result.errors);
      return { plan: result.plan };
    },
  );

  app.delete(
    "/api/intersections/:id/plan-override",
    { preValidation: mayRelease, schema: { summary: "Release an operator's plan: adaptive planning resumes", tags: ["plans"], params: IntersectionParams, response: { 204: z.null(), 403: ErrorBody, 404: ErrorBody } } },
    async (request, reply) => {
      plannable(request.params.id);
      planning.release(request.params.id, actorOf(request));
      return reply.code(204).send(null);
    },
  );
};
