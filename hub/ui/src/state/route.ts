import { useEffect, useState } from "preact/hooks";

export type Route = { view: "city" } | { view: "intersection"; intersectionId: string };

/** `#/intersection/<id>` opens an intersection; anything else is the city view. */
export function parseRoute(hash: string): Route {
  const m = /^#\/intersection\/([^/?#]+)$/.exec(hash);
  if (m) {
    try {
      return { view: "intersection", intersectionId: decodeURIComponent(m[1]!) };
    } catch {
      return { view: "city" };
    }
  }
  return { view: "city" };
}

export function intersectionHref(id: string): string {
  return `#/intersection/${encodeURIComponent(id)}`;
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
