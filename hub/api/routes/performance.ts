import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AtspmMeasures, computeMeasure, computeMeasures, MEASURE_NAMES, toAtspmCsv, type MeasureName } from "../../atspm/index.js";
import { badRequest, notFound } from "../errors.js";
import { ErrorBody, IntersectionParams, Performance, PerformanceRange } from "../contract.js";
import type { Intersections } from "../../features/index.js";
import type { IntersectionViews } from "../intersection-views.js";
import type { ApiServices } from "../services.js";

const MAX_RANGE_MS = 7 * 24 * 3_600_000;
const DEFAULT_RANGE_MS = 3_600_000;

const RangeQuery = z
  .object({
    /** Device-clock ms; default: an hour before `toMs`. */
    fromMs: z.coerce.number().int().nonnegative().optional(),
    /** Device-clock ms, exclusive; default: just after the newest event held. */
    toMs: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();


/**
 * ATSPM performance measures per intersection and time range, computed from the hi-res events the
 * hub holds, and those events in ATSPM's CSV import format.
 */
const MeasureParams = IntersectionParams.extend({ measure: z.enum(MEASURE_NAMES) });
const OneMeasure = PerformanceRange.extend({
  measure: z.enum(MEASURE_NAMES),
  values: z.union(MEASURE_NAMES.map((name) => AtspmMeasures.shape[name])),
});

export interface PerformanceRoutesOptions {
  views: Pick<IntersectionViews, "has">;
  intersections: Pick<Intersections, "list">;
  hiRes: ApiServices["recording"]["hiRes"];
}

export const performanceRoutes: FastifyPluginAsyncZod<PerformanceRoutesOptions> = async (app, { views, intersections, hiRes }) => {
  const atspmOf = new Map(intersections.list().map((x) => [x.intersectionId, x.atspm]));

  function rangeOf(id: string, query: z.infer<typeof RangeQuery>): PerformanceRange {
    if (!views.has(id)) throw notFound(`no intersection ${id}`);
    const held = hiRes.span(id);
    const toMs = query.toMs ?? (held === null ? 0 : held.newestMs + 1);
    const fromMs = query.fromMs ?? Math.max(0, toMs - DEFAULT_RANGE_MS);
    if (toMs <= fromMs) throw badRequest("toMs must be after fromMs", [`fromMs ${fromMs}, toMs ${toMs}`]);
    if (toMs - fromMs > MAX_RANGE_MS) throw badRequest("time range too long", [`at most ${MAX_RANGE_MS} ms (7 days), got ${toMs - fromMs}`]);
    return {
      intersectionId: id,
      fromMs,
      toMs,
      heldFromMs: held?.oldestMs ?? null,
      heldToMs: held?.newestMs ?? null,
      detectorsConfigured: atspmOf.get(id)?.detectors.length ?? 0,
    };
  }

  function measuresOf(range: PerformanceRange): AtspmMeasures {
    const log = hiRes.range(range.intersectionId, range.fromMs, range.toMs);
    return computeMeasures(log, atspmOf.get(range.intersectionId) ?? {}, { fromMs: range.fromMs, toMs: range.toMs });
  }

  function measureOf<K extends MeasureName>(range: PerformanceRange, name: K): AtspmMeasures[K] {
    const log = hiRes.range(range.intersectionId, range.fromMs, range.toMs);
    return computeMeasure(log, name, atspmOf.get(range.intersectionId) ?? {}, { fromMs: range.fromMs, toMs: range.toMs });
  }

  app.get(
    "/api/intersections/:id/performance",
    {
      schema: {
        summary: "Every ATSPM performance measure over a time range, from the controller's hi-res events",
        tags: ["performance"],
        params: IntersectionParams,
        querystring: RangeQuery,
        response: { 200: Performance, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const range = rangeOf(request.params.id, request.query);
      return { ...range, measures: measuresOf(range) };
    },
  );

  app.get(
    "/api/intersections/:id/performance/:measure",
    {
      schema: {
        summary: `One ATSPM measure over a time range (${MEASURE_NAMES.join(", ")})`,
        tags: ["performance"],
        params: MeasureParams,
        querystring: RangeQuery,
        response: { 200: OneMeasure, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const range = rangeOf(request.params.id, request.query);
      const { measure } = request.params;
      return { ...range, measure, values: measureOf(range, measure) };
    },
  );

  app.get(
    "/api/intersections/:id/events.csv",
    {
      schema: {
        summary: "The hi-res events over a time range in ATSPM's import format (SignalId, Timestamp, EventCode, EventParam; UTC)",
        tags: ["performance"],
        params: IntersectionParams,
        querystring: RangeQuery,
        response: { 200: z.string(), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const range = rangeOf(request.params.id, request.query);
      const csv = toAtspmCsv(range.intersectionId, hiRes.range(range.intersectionId, range.fromMs, range.toMs));
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${range.intersectionId}-${range.fromMs}-${range.toMs}.csv"`)
        .send(csv);
    },
  );
};
