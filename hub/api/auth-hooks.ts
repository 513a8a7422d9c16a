import type { FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from "fastify";
import type { Actor, Role } from "../services/actor.js";
import type { AuditLog } from "../services/audit-log.js";
import { bearerToken, roleAllows } from "./auth.js";
import { forbidden, unauthorized } from "./errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is asking; set by the authentication hook, null on public routes. */
    actor: Actor | null;
  }
}

export type TokenMatcher = (presented: string) => Actor | null;

function queryToken(request: FastifyRequest): string | undefined {
  const query = request.query;
  if (typeof query !== "object" || query === null || !("token" in query)) return undefined;
  const token = (query as { token: unknown }).token;
  return typeof token === "string" ? token : undefined;
}

/**
 * `onRequest`: a known bearer token or 401. `allowQueryToken` is for the websocket, since
 * browsers cannot set headers on one.
 */
export function authenticate(match: TokenMatcher, options: { allowQueryToken?: boolean } = {}): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearerToken(request.headers.authorization) ?? (options.allowQueryToken ? queryToken(request) : undefined);
    if (token === undefined) throw unauthorized("missing bearer token (Authorization: Bearer <token>)");
    const actor = match(token);
    if (actor === null) throw unauthorized("unknown token");
    request.actor = actor;
  };
}

/** The signed-in actor; routes behind `authenticate` always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) throw unauthorized("not signed in");
  return request.actor;
}

export interface Permission {
  role: Role;
  /** Says what was refused: "role viewer may not <what>". */
  what: string;
  /** Control actions are audited when refused too; names the audit entry's action. */
  auditAction?: (request: FastifyRequest) => string;
}

/** `preValidation`, so a refused caller learns nothing from validating its body. */
export function requireRole(audit: AuditLog, permission: Permission, now: () => number = Date.now): preValidationAsyncHookHandler {
  return async (request) => {
    const actor = actorOf(request);
    if (roleAllows(actor.role, permission.role)) return;
    const message = `role ${actor.role} may not ${permission.what}`;
    if (permission.auditAction) {
      audit.append({
        ts: now(),
        actor: actor.name,
        role: actor.role,
        action: permission.auditAction(request),
        intersectionId: intersectionIdOf(request),
        details: {},
        result: "refused",
        reason: message,
      });
    }
    throw forbidden(message);
  };
}

function intersectionIdOf(request: FastifyRequest): string | null {
  if (!request.routeOptions.url?.includes("/intersections/:id")) return null;
  const params = request.params;
  if (typeof params !== "object" || params === null || !("id" in params)) return null;
  const id = (params as { id: unknown }).id;
  return typeof id === "string" ? id : null;
}

/** `command.hold` from an unvalidated body, for the audit of a refused command. */
export function commandAuditAction(request: FastifyRequest): string {
  const body = request.body;
  if (typeof body === "object" && body !== null && "action" in body) {
    const action = (body as { action: unknown }).action;
    if (typeof action === "string" && /^[a-z-]{1,30}$/.test(action)) return `command.${action}`;
  }
  return "command";
}
