import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../auth-hooks.js";
import { Me } from "../contract.js";

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get("/api/me", { schema: { summary: "Who the token belongs to", tags: ["session"], response: { 200: Me } } }, async (request) => actorOf(request));
};
