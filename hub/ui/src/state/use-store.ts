import { useEffect, useState } from "preact/hooks";
import { createFrameScheduler } from "./frame-scheduler.js";
import type { LiveStore } from "./live-store.js";

/** Re-render on store changes, at most once per animation frame. Returns the store's version. */
export function useStoreVersion(store: LiveStore): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    const frame = createFrameScheduler(() => setVersion(store.version));
    return store.subscribe(() => frame.schedule());
  }, [store]);
  return version;
}

/** A clock that ticks every `intervalMs` (for "ago" labels that must age without new data). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
