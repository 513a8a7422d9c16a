import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, requireRole } from "../auth-hooks.js";
import { notFound } from "../errors.js";
import { AlarmRecord, ErrorBody } from "../schemas.js";
import type { ApiContext } from "./context.js";

const AlarmsQuery = z.object({ all: z.enum(["true", "false"]).default("false") });

export const alarmRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { hub, now }) => {
  const mayAcknowledge = requireRole(hub, { role: "operator", what: "acknowledge alarms", auditAction: () => "alarm.acknowledge" }, now);

  app.get(
    "/api/alarms",
    {
      schema: {
        summary: "Alarms that are active or not yet acknowledged (all=true: every one kept), newest first",
        tags: ["alarms"],
        querystring: AlarmsQuery,
        response: { 200: z.array(AlarmRecord) },
      },
    },
    async (request) => hub.alarms.list({ all: request.query.all === "true" }),
  );

  app.post(
    "/api/alarms/:id/ack",
    {
      preValidation: mayAcknowledge,
      schema: { summary: "Acknowledge an alarm", tags: ["alarms"], params: z.object({ id: z.string().min(1).max(100) }), response: { 200: AlarmRecord, 403: ErrorBody, 404: ErrorBody } },
    },
    async (request) => {
      const alarm = hub.acknowledgeAlarm(request.params.id, actorOf(request));
      if (alarm === undefined) throw notFound(`no alarm ${request.params.id}`);
      return alarm;
    },
  );
};
