import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { approachMismatches, CameraConfig, type PhaseApproaches } from "../../../protocol/index.js";
import { actorOf, requireRole } from "../auth-hooks.js";
import { ApiError, badRequest, notFound } from "../errors.js";
import { ErrorBody, IntersectionParams, TrackedCommand } from "../contract.js";
import type { CommandRoutesOptions } from "./commands.js";

export interface CameraRoutesOptions extends CommandRoutesOptions {
  /** The intersection's controller phases with the approaches they serve, once its agent published them. */
  controllerOf: (intersectionId: string) => PhaseApproaches | undefined;
}

/**
 * The zone editor's save: an admin's camera configuration (approaches, zones, counting lines),
 * checked with the edge's own camera schema and approach check, so the errors are the ones the
 * YAML would give, and sent to the agent as a `set-camera` command. The command, and any refusal
 * (role, schema, approaches), is audited.
 */
export const cameraRoutes: FastifyPluginAsyncZod<CameraRoutesOptions> = async (app, { commands, views, audit, now, controllerOf }) => {
  const mayEdit = requireRole(audit, { role: "admin", what: "edit camera zones", auditAction: () => "command.set-camera" }, now);

  app.put(
    "/api/intersections/:id/camera",
    {
      preValidation: mayEdit,
      // A configuration refused here (schema or approaches) is audited like a refused command; the role check audits its own.
      onError: async (request, _reply, error) => {
        if (!(error instanceof ApiError) || error.statusCode !== 400 || request.actor === null) return;
        const params = request.params as { id?: unknown } | undefined;
        audit.append({
          ts: now(),
          actor: request.actor.name,
          role: request.actor.role,
          action: "command.set-camera",
          intersectionId: typeof params?.id === "string" ? params.id : null,
          details: {},
          result: "refused",
          reason: error.message.slice(0, 1000),
        });
      },
      schema: {
        summary: "Replace the camera's zones and counting lines on the intersection's agent (admin)",
        tags: ["commands"],
        params: IntersectionParams,
        body: CameraConfig,
        response: { 202: TrackedCommand, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!views.has(id)) throw notFound(`no intersection ${id}`);
      // Before the agent published its phases the agent's own check (the same one) answers in its ack.
      const controller = controllerOf(id);
      const mismatches = controller === undefined ? [] : approachMismatches(request.body, controller, { camera: "body", controller: "controller" });
      if (mismatches.length > 0) throw badRequest(`invalid request body: ${mismatches.join("; ")}`, mismatches);
      let command: TrackedCommand;
      try {
        command = await commands.send(id, { action: "set-camera", camera: request.body as unknown as Record<string, unknown> }, actorOf(request));
      } catch (err) {
        throw new ApiError(503, "broker_unavailable", `camera configuration not sent: ${(err as Error).message}`);
      }
      return reply.code(202).send(command);
    },
  );
};
