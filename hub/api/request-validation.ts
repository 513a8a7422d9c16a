import type { FastifySchemaCompiler } from "fastify";
import type { z } from "zod";
import { formatPath } from "../../protocol/index.js";
import { badRequest } from "./errors.js";

const PART_NAMES: Record<string, string> = { body: "body", querystring: "query", params: "params", headers: "headers" };

/** One line per bad field, each named from the request part down: `body.phase: …`. */
export function issueLines(part: string, error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const where = formatPath(issue.path);
    return `${where === "" ? part : `${part}.${where}`}: ${issue.message}`;
  });
}

/**
 * Validates with zod like fastify-type-provider-zod's compiler, but fails with an `ApiError`
 * whose details name each field, so every 400 has the same shape.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = PART_NAMES[httpPart ?? "body"] ?? "body";
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const details = issueLines(part, result.error);
    return { error: badRequest(`invalid request ${part}: ${details.join("; ")}`, details) };
  };
};
