import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../errors.js";
import { ErrorBody, History, IntersectionDetail, IntersectionParams, IntersectionSummary } from "../contract.js";
import type { IntersectionViews } from "../intersection-views.js";
import type { ApiServices } from "../services.js";

const HistoryQuery = z.object({
  /** Device-clock ms; everything kept when absent. */
  sinceMs: z.coerce.number().int().nonnegative().default(0),
});

export interface IntersectionRoutesOptions {
  views: Pick<IntersectionViews, "has" | "all" | "detail">;
  history: ApiServices["recording"]["history"];
  cameras: ApiServices["cameras"];
}

export const intersectionRoutes: FastifyPluginAsyncZod<IntersectionRoutesOptions> = async (app, { views, history, cameras }) => {
  const known = (id: string): void => {
    if (!views.has(id)) throw notFound(`no intersection ${id}`);
  };

  app.get(
    "/api/intersections",
    { schema: { summary: "Every configured or heard-of intersection", tags: ["intersections"], response: { 200: z.array(IntersectionSummary) } } },
    async () => views.all(),
  );

  app.get(
    "/api/intersections/:id",
    { schema: { summary: "One intersection in detail", tags: ["intersections"], params: IntersectionParams, response: { 200: IntersectionDetail, 404: ErrorBody } } },
    async (request) => {
      const detail = views.detail(request.params.id);
      if (detail === null) throw notFound(`no intersection ${request.params.id}`);
      return detail;
    },
  );

  app.get(
    "/api/intersections/:id/history",
    {
      schema: {
        summary: "Recent measures, signal changes and controller events, from the hub's memory",
        tags: ["intersections"],
        params: IntersectionParams,
        querystring: HistoryQuery,
        response: { 200: History, 404: ErrorBody },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { sinceMs } = request.query;
      known(id);
      return {
        measures: history.measuresSince(id, sinceMs).map((s) => ({
          ts: s.ts,
          approachId: s.approachId,
          intervalMs: s.intervalMs,
          count: s.count,
          queue: s.queue,
          occupancy: s.occupancy,
        })),
        signals: history.signals(id).filter((s) => s.ts >= sinceMs),
        events: history.events(id).filter((e) => e.ts >= sinceMs),
      };
    },
  );

  app.get(
    "/api/intersections/:id/camera.jpg",
    { schema: { summary: "The latest camera frame (JPEG), when the agent or simulator offers one", tags: ["intersections"], params: IntersectionParams } },
    async (request, reply) => {
      const camera = cameras.get(request.params.id);
      if (camera === undefined) throw notFound(`no camera for intersection ${request.params.id}`);
      const jpeg = await camera.latestJpeg();
      if (jpeg === null) throw notFound(`no frame from the camera of intersection ${request.params.id} yet`);
      return reply.type("image/jpeg").header("cache-control", "no-store").send(jpeg);
    },
  );
};
