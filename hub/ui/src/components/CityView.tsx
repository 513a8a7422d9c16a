import { useMemo, useState } from "preact/hooks";
import { countByMode, COUNTED_MODES, type ListFilter, type ModeFilter } from "../state/classify.js";
import type { LiveStore } from "../state/live-store.js";
import { CityMap } from "./CityMap.js";
import { IntersectionList } from "./IntersectionList.js";
import { HealthIcon } from "./HealthIcon.js";

const MODE_TITLES: Record<ModeFilter, string> = {
  all: "All",
  adaptive: "Adaptive",
  fallback: "Fallback",
  manual: "Manual",
  flash: "Flash",
  offline: "Offline",
  alarm: "With alarms",
};

export function CityView({ store }: { store: LiveStore }) {
  const [filter, setFilter] = useState<ListFilter>({ mode: "all", search: "" });
  const version = store.version;
  const counts = useMemo(() => countByMode(store.intersections.values()), [store, version]);
  const rows = useMemo(() => store.filtered(filter), [store, version, filter]);
  const highlighted = useMemo(() => new Set(rows.map((x) => x.intersectionId)), [rows]);
  const filtering = filter.mode !== "all" || filter.search.trim() !== "";

  const modes: ModeFilter[] = ["all", ...COUNTED_MODES, "alarm"];
  return (
    <section class="city" aria-label="City view">
      <div class="toolbar">
        <div class="mode-counts" role="group" aria-label="Filter by mode">
          {modes.map((mode) => {
            const n = mode === "all" ? counts.total : mode === "alarm" ? counts.alarmed : counts[mode];
            return (
              <button
                type="button"
                key={mode}
                class={`count-chip mode-${mode}`}
                aria-pressed={filter.mode === mode}
                data-testid={`count-${mode}`}
                onClick={() => setFilter({ ...filter, mode: filter.mode === mode ? "all" : mode })}
              >
                {mode !== "all" && mode !== "alarm" && <HealthIcon health={mode} size={14} />}
                <span class="count-label">{MODE_TITLES[mode]}</span>
                <span class="count-value">{n}</span>
              </button>
            );
          })}
        </div>
        <label class="search">
          <span class="visually-hidden">Search intersections</span>
          <input
            id="search"
            type="search"
            placeholder="Search id or name  ( / )"
            value={filter.search}
            onInput={(e) => setFilter({ ...filter, search: (e.currentTarget as HTMLInputElement).value })}
            onKeyDown={(e) => {
              if (e.key === "Escape") (e.currentTarget as HTMLInputElement).blur();
            }}
          />
        </label>
      </div>
      <CityMap store={store} version={version} highlighted={filtering ? highlighted : null} />
      <IntersectionList rows={rows} total={counts.total} />
    </section>
  );
}
