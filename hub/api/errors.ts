import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorBody } from "./contract.js";

/** An error the API answers with as is: status, a stable code, a sentence, and optional details. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }

  body(): ErrorBody {
    return this.details === undefined ? { error: this.code, message: this.message } : { error: this.code, message: this.message, details: this.details };
  }
}

export const badRequest = (message: string, details: string[]): ApiError => new ApiError(400, "bad_request", message, details);
export const unauthorized = (message: string): ApiError => new ApiError(401, "unauthorized", message);
export const forbidden = (message: string): ApiError => new ApiError(403, "forbidden", message);
export const notFound = (message: string): ApiError => new ApiError(404, "not_found", message);

/** Fastify's own client errors (bad JSON, wrong media type, body too large) keep their status. */
function isClientError(error: FastifyError): boolean {
  return typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500;
}

/** The one place an error becomes a response: `{ error, message, details? }`, never a stack. */
export function sendError(error: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return reply.code(error.statusCode).send(error.body());
  const fastifyError = error as FastifyError;
  if (isClientError(fastifyError)) {
    const code = (fastifyError.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
    return reply.code(fastifyError.statusCode!).send({ error: code, message: fastifyError.message });
  }
  request.log.error({ err: error }, "request failed");
  return reply.code(500).send({ error: "internal", message: "internal error (see the hub's log)" });
}
