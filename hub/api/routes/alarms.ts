import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, requireRole } from "../auth-hooks.js";
import { notFound } from "../errors.js";
import { AlarmRecord, ErrorBody } from "../contract.js";
import type { AuditLog } from "../../services/audit-log.js";
import type { ApiServices } from "../services.js";

const AlarmsQuery = z.object({ all: z.enum(["true", "false"]).default("false") });

export interface AlarmRoutesOptions {
  alarms: ApiServices["alarms"];
  audit: AuditLog;
  now: () => number;
}

export const alarmRoutes: FastifyPluginAsyncZod<AlarmRoutesOptions> = async (app, { alarms, audit, now }) => {
  const mayAcknowledge = requireRole(audit, { role: "operator", what: "acknowledge alarms", auditAction: () => "alarm.acknowledge" }, now);

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
    async (request) => alarms.list({ all: request.query.all === "true" }),
  );

  app.post(
    "/api/alarms/:id/ack",
    {
      preValidation: mayAcknowledge,
      schema: { summary: "Acknowledge an alarm", tags: ["alarms"], params: z.object({ id: z.string().min(1).max(100) }), response: { 200: AlarmRecord, 403: ErrorBody, 404: ErrorBody } },
    },
    async (request) => {
      const alarm = alarms.acknowledge(request.params.id, actorOf(request));
      if (alarm === undefined) throw notFound(`no alarm ${request.params.id}`);
      return alarm;
    },
  );
};
