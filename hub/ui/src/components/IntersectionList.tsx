import { useEffect, useRef, useState } from "preact/hooks";
import type { IntersectionSummary } from "../net/contract.js";
import { congestionOf, healthOf } from "../state/classify.js";
import { intersectionHref } from "../state/route.js";
import { visibleRows } from "../view/virtual-range.js";
import { HealthIcon } from "./HealthIcon.js";
import { SignalChips } from "./SignalChips.js";

const ROW_PX = 44;

/**
 * Every intersection (after the filter) as a list of links; only the rows in view are in the DOM,
 * so a city of thousands scrolls as lightly as a street of five. Arrow keys move between rows,
 * Enter opens one.
 */
export function IntersectionList({ rows, total }: { rows: IntersectionSummary[]; total: number }) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [heightPx, setHeightPx] = useState(400);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeightPx(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const range = visibleRows(scrollTop, heightPx, ROW_PX, rows.length);

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const current = (event.target as HTMLElement).closest<HTMLElement>("[data-row]");
    const index = current ? Number(current.dataset.row) : -1;
    const next = Math.max(0, Math.min(rows.length - 1, index + (event.key === "ArrowDown" ? 1 : -1)));
    event.preventDefault();
    const el = viewport.current;
    if (!el) return;
    // Bring the row into view first (it may not be rendered yet), then focus it.
    const top = next * ROW_PX;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_PX > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_PX - el.clientHeight;
    setScrollTop(el.scrollTop);
    requestAnimationFrame(() => el.querySelector<HTMLElement>(`[data-row="${next}"]`)?.focus());
  }

  return (
    <div class="list-wrap">
      <div class="list-head" aria-hidden="true">
        <span>Health</span>
        <span>Intersection</span>
        <span>Signal</span>
        <span>DoS</span>
        <span>Queue</span>
        <span>Alarms</span>
      </div>
      <div
        class="list-viewport"
        ref={viewport}
        role="region"
        aria-label={`Intersections: ${rows.length} of ${total}`}
        data-testid="intersection-list"
        data-count={rows.length}
        onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
        onKeyDown={onKeyDown}
      >
        <div class="list-spacer" style={{ height: `${rows.length * ROW_PX}px` }}>
          {rows.slice(range.first, range.end).map((x, i) => (
            <Row key={x.intersectionId} x={x} index={range.first + i} />
          ))}
        </div>
        {rows.length === 0 && <p class="muted empty">{total === 0 ? "No intersections yet." : "Nothing matches the filter."}</p>}
      </div>
    </div>
  );
}

function Row({ x, index }: { x: IntersectionSummary; index: number }) {
  const health = healthOf(x);
  const congestion = congestionOf(x.degreeOfSaturation);
  return (
    <a
      class={`row health-row-${health}`}
      href={intersectionHref(x.intersectionId)}
      style={{ top: `${index * 44}px` }}
      data-row={index}
      data-testid="intersection-row"
      data-id={x.intersectionId}
    >
      <span class={`health health-${health}`}>
        <HealthIcon health={health} />
        {health}
      </span>
      <span class="name">
        <strong>{x.name ?? x.intersectionId}</strong>
        {x.name && <span class="muted id">{x.intersectionId}</span>}
      </span>
      <span class="signal">
        {x.activePhases.length > 0 && <span class="phase">Φ{x.activePhases.join("+")}</span>}
        <SignalChips groups={x.online === false ? null : x.groups} />
      </span>
      <span class={`dos congestion-${congestion}`}>{x.degreeOfSaturation === null ? "–" : x.degreeOfSaturation.toFixed(2)}</span>
      <span class="queue">{x.queueVeh === null ? "–" : Math.round(x.queueVeh)}</span>
      <span class={x.activeAlarms > 0 ? "alarms has-alarms" : "alarms"}>{x.activeAlarms > 0 ? `⚠ ${x.activeAlarms}` : "–"}</span>
    </a>
  );
}
