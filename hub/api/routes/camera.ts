import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CameraConfig } from "../../../protocol/index.js";
import { actorOf, requireRole } from "../auth-hooks.js";
import { ApiError, notFound } from "../errors.js";
import { ErrorBody, IntersectionParams, TrackedCommand } from "../contract.js";
import type { CommandRoutesOptions } from "./commands.js";

/**
 * The zone editor's save: an admin's camera configuration (approaches, zones, counting lines),
 * checked with the edge's own camera schema, so the errors are the ones the YAML would give, and
 * sent to the agent as a `set-camera` command. The command (and any refusal) is audited.
 */
export const cameraRoutes: FastifyPluginAsyncZod<CommandRoutesOptions> = async (app, { commands, views, audit, now }) => {
  const mayEdit = requireRole(audit, { role: "admin", what: "edit camera zones", auditAction: () => "command.set-camera" }, now);

  app.put(
    "/api/intersections/:id/camera",
    {
      preValidation: mayEdit,
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
