import { useEffect, useState } from "preact/hooks";

export type Route = { view: "city" } | { view: "intersection"; intersectionId: string } | { view: "performance"; intersectionId: string };

/** `#/intersection/<id>` opens an intersection, `…/performance` its performance measures; anything else is the city view. */
export function parseRoute(hash: string): Route {
  const m = /^#\/intersection\/([^/?#]+)(\/performance)?$/.exec(hash);
  if (m) {
    try {
      return { view: m[2] ? "performance" : "intersection", intersectionId: decodeURIComponent(m[1]!) };
    } catch {
      return { view: "city" };
    }
  }
  return { view: "city" };
}

export function intersectionHref(id: string): string {
  return `#/intersection/${encodeURIComponent(id)}`;
}

export function performanceHref(id: string): string {
  return `${intersectionHref(id)}/performance`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  return route;
}
