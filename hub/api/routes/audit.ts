import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireRole } from "../auth-hooks.js";
import { AuditEntry, ErrorBody } from "../contract.js";
import type { AuditLog } from "../../services/audit-log.js";

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  intersectionId: z.string().min(1).max(64).optional(),
});

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditLog; now: () => number }> = async (app, { audit, now }) => {
  app.get(
    "/api/audit",
    {
      preValidation: requireRole(audit, { role: "operator", what: "read the audit log" }, now),
      schema: { summary: "Who did what (accepted and refused), newest first", tags: ["audit"], querystring: AuditQuery, response: { 200: z.array(AuditEntry), 403: ErrorBody } },
    },
    async (request) => audit.list(request.query.limit, request.query.intersectionId),
  );
};
