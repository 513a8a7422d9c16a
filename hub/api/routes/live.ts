import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, authenticate } from "../auth-hooks.js";
import type { TokenMatcher } from "../auth-hooks.js";
import type { LiveStream } from "../live/index.js";

/** The websocket: hello and snapshot on connect, then coalesced updates (docs/api.md). */
export const liveRoutes: FastifyPluginAsyncZod<{ live: LiveStream; match: TokenMatcher }> = async (app, { live, match }) => {
  // Browsers cannot set headers on a websocket, so the token may come as ?token=.
  app.addHook("onRequest", authenticate(match, { allowQueryToken: true }));
  app.get(
    "/api/live",
    {
      websocket: true,
      schema: {
        summary: "Live stream (websocket): snapshot, then coalesced updates; send {type:'resync'} or {type:'subscribe', intersectionId}",
        tags: ["live"],
        querystring: z.object({ token: z.string().optional() }),
      },
    },
    (socket, request) => {
      const client = live.add(socket, actorOf(request).role);
      if (client === null) return;
      socket.on("message", (data, isBinary) => {
        if (!isBinary) live.receive(client, data.toString());
      });
      socket.on("close", () => live.remove(client));
      socket.on("error", () => live.remove(client));
    },
  );
};
