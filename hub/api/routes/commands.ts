import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CommandAction } from "../../../protocol/index.js";
import { CommandRefused } from "../../features/index.js";
import type { AuditLog } from "../../services/audit-log.js";
import { actorOf, commandAuditAction, requireRole } from "../auth-hooks.js";
import { ApiError, notFound } from "../errors.js";
import { ErrorBody, IntersectionParams, TrackedCommand } from "../contract.js";
import type { IntersectionViews } from "../intersection-views.js";
import type { ApiServices } from "../services.js";

export interface CommandRoutesOptions {
  commands: ApiServices["commands"];
  views: Pick<IntersectionViews, "has">;
  audit: AuditLog;
  now: () => number;
}

export const commandRoutes: FastifyPluginAsyncZod<CommandRoutesOptions> = async (app, { commands, views, audit, now }) => {
  const mayCommand = requireRole(audit, { role: "operator", what: "send commands", auditAction: commandAuditAction }, now);

  app.post(
    "/api/intersections/:id/commands",
    {
      preValidation: mayCommand,
      schema: {
        summary: "Send an operator command (hold, flash, resume, clear-fault, set-plan) to the intersection's agent; a set-plan is checked as an override, a hold's duration bounded",
        tags: ["commands"],
        params: IntersectionParams,
        body: CommandAction,
        response: { 202: TrackedCommand, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!views.has(id)) throw notFound(`no intersection ${id}`);
      // Zone edits are an admin's, through PUT /api/intersections/:id/camera (checked there).
      if (request.body.action === "set-camera") throw new ApiError(400, "bad_request", "set-camera: use PUT /api/intersections/:id/camera (admin)");
      let command: TrackedCommand;
      try {
        command = await commands.send(id, request.body, actorOf(request));
      } catch (err) {
        // A set-plan is checked as an override is; a hold's duration is bounded.
        if (err instanceof CommandRefused) throw new ApiError(422, "command_refused", err.message, err.errors);
        throw new ApiError(503, "broker_unavailable", `command not sent: ${(err as Error).message}`);
      }
      return reply.code(202).send(command);
    },
  );

  app.get(
    "/api/intersections/:id/commands",
    { schema: { summary: "Commands sent to the intersection, newest first", tags: ["commands"], params: IntersectionParams, response: { 200: z.array(TrackedCommand) } } },
    async (request) => commands.list(request.params.id),
  );

  app.get(
    "/api/commands/:commandId",
    {
      schema: {
        summary: "One command and what the agent answered",
        tags: ["commands"],
        params: z.object({ commandId: z.string().min(1).max(64) }),
        response: { 200: TrackedCommand, 404: ErrorBody },
      },
    },
    async (request) => {
      const command = commands.get(request.params.commandId);
      if (command === undefined) throw notFound(`no command ${request.params.commandId}`);
      return command;
    },
  );
};
