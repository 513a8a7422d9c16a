import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { IntersectionSummary } from "../net/contract.js";
import { congestionOf, healthOf, type Health } from "../state/classify.js";
import type { LiveStore } from "../state/live-store.js";
import { intersectionHref } from "../state/route.js";
import { fitProjection, type Projection } from "../view/map-projection.js";
import { CONGESTION_COLOUR, HEALTH_COLOUR, SIGNAL_COLOUR } from "../view/palette.js";
import { dominantState, signalLook } from "../view/signal-look.js";

interface Props {
  store: LiveStore;
  /** Bumps when the store changes: the map redraws (once per frame, the store's listener sees to that). */
  version: number;
  /** When a filter is on: the ids it keeps; the others are drawn faint. */
  highlighted: Set<string> | null;
}

interface Placed {
  x: IntersectionSummary;
  px: number;
  py: number;
}

function markerRadiusPx(count: number): number {
  if (count <= 20) return 12;
  if (count <= 100) return 8;
  if (count <= 400) return 6;
  return 4.5;
}

/**
 * The schematic city map: every intersection at its configured position, filled by congestion,
 * outlined in the shape of its health, with its live signal state. Canvas, not SVG: a thousand
 * markers redrawn a few times a second stay cheap.
 */
export function CityMap({ store, version, highlighted }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 800, h: 360 });
  const [hover, setHover] = useState<Placed | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ w: Math.max(200, el.clientWidth), h: Math.max(160, el.clientHeight) }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const ids = store.sorted();
  const count = ids.length;
  const radius = markerRadiusPx(count);
  const labelled = count <= 40;
  // The projection only changes when intersections come or go, or the map is resized.
  const projection = useMemo<Projection>(() => {
    const positions: { xM: number; yM: number }[] = [];
    for (const x of store.intersections.values()) if (x.position) positions.push(x.position);
    // Labels need room: names are wider than markers.
    return fitProjection(positions, size.w, size.h, labelled ? 90 : 16);
  }, [ids, size.w, size.h, labelled]);

  const placed = useMemo<Placed[]>(() => {
    const out: Placed[] = [];
    for (const id of ids) {
      const x = store.intersections.get(id);
      if (x?.position) out.push({ x, px: projection.x(x.position.xM), py: projection.y(x.position.yM) });
    }
    return out;
  }, [version, projection]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(size.w * dpr) || c.height !== Math.round(size.h * dpr)) {
      c.width = Math.round(size.w * dpr);
      c.height = Math.round(size.h * dpr);
    }
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.w, size.h);
    drawStreets(ctx, placed, size);
    // Two passes: intersections needing attention (offline, flash, fallback, manual) drawn larger and on top.
    for (const pass of [false, true]) {
      for (const p of placed) {
        const health = healthOf(p.x);
        if ((health !== "adaptive" && health !== "unknown") !== pass) continue;
        const dim = highlighted !== null && !highlighted.has(p.x.intersectionId);
        drawMarker(ctx, p, pass && !labelled ? radius * 1.5 : radius, dim);
        if (labelled && !dim) drawLabel(ctx, p, radius);
      }
    }
    if (hover) {
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(hover.px, hover.py, radius + 5, 0, Math.PI * 2);
      ctx.stroke();
    }
  }, [placed, size, highlighted, hover, radius, labelled]);

  function nearest(event: MouseEvent): Placed | null {
    const rect = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const my = event.clientY - rect.top;
    let best: Placed | null = null;
    let bestD = (radius + 6) ** 2;
    for (const p of placed) {
      const d = (p.px - mx) ** 2 + (p.py - my) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    return best;
  }

  const hovered = hover ? store.intersections.get(hover.x.intersectionId) ?? hover.x : null;
  return (
    <div class="city-map" ref={wrap}>
      <canvas
        ref={canvas}
        style={{ width: `${size.w}px`, height: `${size.h}px`, cursor: hover ? "pointer" : "default" }}
        role="img"
        aria-label={`Map of ${count} intersections; use the list below to open one with the keyboard`}
        data-testid="city-map"
        onMouseMove={(e) => {
          const p = nearest(e);
          if (p?.x.intersectionId !== hover?.x.intersectionId) setHover(p);
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const p = nearest(e);
          if (p) location.hash = intersectionHref(p.x.intersectionId);
        }}
      />
      {hovered && hover && (
        <div class="map-tip" style={{ left: `${Math.min(hover.px + 14, size.w - 220)}px`, top: `${Math.max(hover.py - 10, 0)}px` }}>
          <strong>{hovered.name ?? hovered.intersectionId}</strong>
          <span>
            {healthOf(hovered)} · DoS {hovered.degreeOfSaturation === null ? "–" : hovered.degreeOfSaturation.toFixed(2)} · queue {hovered.queueVeh === null ? "–" : Math.round(hovered.queueVeh)}
          </span>
        </div>
      )}
      <MapLegend />
    </div>
  );
}

/** Faint streets through intersections that share a line, so a corridor reads as one. */
function drawStreets(ctx: CanvasRenderingContext2D, placed: Placed[], size: { w: number; h: number }): void {
  if (placed.length > 200) return;
  const rows = new Set(placed.map((p) => Math.round(p.py)));
  const cols = new Set(placed.map((p) => Math.round(p.px)));
  ctx.strokeStyle = "#21262d";
  ctx.lineWidth = 6;
  ctx.beginPath();
  for (const y of rows) {
    ctx.moveTo(0, y);
    ctx.lineTo(size.w, y);
  }
  for (const x of cols) {
    ctx.moveTo(x, 0);
    ctx.lineTo(x, size.h);
  }
  ctx.stroke();
}

function drawMarker(ctx: CanvasRenderingContext2D, p: Placed, r: number, dim: boolean): void {
  const health = healthOf(p.x);
  ctx.globalAlpha = dim ? 0.2 : 1;
  ctx.fillStyle = health === "offline" ? "#30363d" : CONGESTION_COLOUR[congestionOf(p.x.degreeOfSaturation)];
  ctx.strokeStyle = HEALTH_COLOUR[health];
  ctx.lineWidth = r >= 8 ? 2.5 : 1.5;
  healthPath(ctx, health, p.px, p.py, r);
  ctx.fill();
  ctx.stroke();
  if (health === "offline") {
    ctx.beginPath();
    const k = r * 0.6;
    ctx.moveTo(p.px - k, p.py - k);
    ctx.lineTo(p.px + k, p.py + k);
    ctx.moveTo(p.px + k, p.py - k);
    ctx.lineTo(p.px - k, p.py + k);
    ctx.stroke();
  }
  if (p.x.activeAlarms > 0) {
    ctx.strokeStyle = "#f85149";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(p.px, p.py, r + 3.5, 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

function healthPath(ctx: CanvasRenderingContext2D, health: Health, x: number, y: number, r: number): void {
  ctx.beginPath();
  switch (health) {
    case "fallback":
      ctx.moveTo(x, y - r * 1.15);
      ctx.lineTo(x + r * 1.1, y + r * 0.85);
      ctx.lineTo(x - r * 1.1, y + r * 0.85);
      ctx.closePath();
      break;
    case "manual":
      ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case "flash":
      ctx.moveTo(x, y - r * 1.25);
      ctx.lineTo(x + r * 1.25, y);
      ctx.lineTo(x, y + r * 1.25);
      ctx.lineTo(x - r * 1.25, y);
      ctx.closePath();
      break;
    default:
      ctx.arc(x, y, r, 0, Math.PI * 2);
  }
}

function drawLabel(ctx: CanvasRenderingContext2D, p: Placed, r: number): void {
  ctx.font = "600 13px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillStyle = "#e6edf3";
  ctx.fillText(p.x.name ?? p.x.intersectionId, p.px, p.py + r + 8);
  const state = dominantState(p.x.groups);
  if (state === null || p.x.online === false) return;
  // The live signal: a chip above the marker with the active phases and their state's label.
  const look = signalLook(state);
  const text = `${p.x.activePhases.length > 0 ? `Φ${p.x.activePhases.join("+")} ` : ""}${look.label}`;
  ctx.font = "700 12px system-ui, sans-serif";
  const w = ctx.measureText(text).width + 10;
  const top = p.py - r - 24;
  ctx.fillStyle = SIGNAL_COLOUR[state];
  ctx.fillRect(p.px - w / 2, top, w, 17);
  ctx.fillStyle = state === "Y" || state === "FY" ? "#0d1117" : "#ffffff";
  ctx.fillText(text, p.px, top + 2);
}

function MapLegend() {
  return (
    <div class="map-legend" aria-hidden="true">
      <span class="legend-title">Degree of saturation</span>
      <span><i style={{ background: CONGESTION_COLOUR.low }} /> &lt; 0.6</span>
      <span><i style={{ background: CONGESTION_COLOUR.medium }} /> 0.6–0.85</span>
      <span><i style={{ background: CONGESTION_COLOUR.high }} /> 0.85–1</span>
      <span><i style={{ background: CONGESTION_COLOUR.over }} /> &gt; 1</span>
      <span><i style={{ background: CONGESTION_COLOUR.unknown }} /> no data</span>
    </div>
  );
}
