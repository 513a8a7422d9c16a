import type { Hub } from "../../hub.js";
import type { TokenMatcher } from "../auth-hooks.js";
import type { IntersectionViews } from "../intersection-views.js";
import type { LiveStream } from "../live/index.js";

/** What every resource plugin is given (as its plugin options): the hub and its read models. */
export interface ApiContext {
  hub: Hub;
  views: IntersectionViews;
  live: LiveStream;
  match: TokenMatcher;
  now: () => number;
}
