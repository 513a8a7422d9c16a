import { useEffect, useRef, useState } from "preact/hooks";
import type { CameraZones } from "../net/contract.js";
import { ApiError, type HubApi } from "../net/hub-api.js";
import { dragged, type DragTarget } from "./zone-drag.js";

const REFRESH_MS = 2000;

/**
 * The latest camera frame, refreshed, with the camera's zones and counting lines drawn over it in
 * image pixels. Fetched with the bearer token (an <img src> cannot carry it) into an object URL.
 */
export function CameraView({
  api,
  id,
  available,
  zones: shown,
  canEdit = false,
}: {
  api: HubApi;
  id: string;
  available: boolean;
  zones: CameraZones | undefined;
  canEdit?: boolean;
}) {
  const [url, setUrl] = useState<string | null>(null);
  // The zone editor's working copy (null when not editing) and what a save said.
  const [draft, setDraft] = useState<CameraZones | null>(null);
  const [saved, setSaved] = useState<CameraZones | null>(null);
  const [editNote, setEditNote] = useState<{ ok: boolean; text: string; details?: string[] } | null>(null);
  const drag = useRef<{ target: DragTarget; x: number; y: number } | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const zones = draft ?? saved ?? shown;
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (!available) return;
    let current: string | null = null;
    let stopped = false;
    async function refresh(): Promise<void> {
      try {
        const blob = await api.cameraFrame(id);
        if (stopped) return;
        if (!blob) {
          setMessage("The agent has not sent a frame yet.");
          return;
        }
        const next = URL.createObjectURL(blob);
        if (current) URL.revokeObjectURL(current);
        current = next;
        setUrl(next);
        setMessage(null);
      } catch (err) {
        if (!stopped) setMessage(`Frame not available: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      if (current) URL.revokeObjectURL(current);
    };
  }, [api, id, available]);

  if (!available) return <p class="muted">This intersection provides no camera frames.</p>;
  const w = zones?.width ?? size?.w ?? 640;
  const h = zones?.height ?? size?.h ?? 360;
  const editing = draft !== null;

  /** Pointer position in image pixels (the overlay stretches the image's coordinates to the box). */
  const imagePoint = (e: PointerEvent): { x: number; y: number } | null => {
    const el = svg.current;
    const ctm = el?.getScreenCTM();
    if (!el || !ctm) return null;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y };
  };
  const startDrag = (target: DragTarget) => (e: PointerEvent) => {
    if (!editing) return;
    const p = imagePoint(e);
    if (!p) return;
    e.stopPropagation();
    svg.current?.setPointerCapture(e.pointerId);
    drag.current = { target, ...p };
  };
  const moveDrag = (e: PointerEvent): void => {
    const d = drag.current;
    const p = imagePoint(e);
    if (!d || !p || draft === null) return;
    setDraft(dragged(draft, d.target, p.x - d.x, p.y - d.y));
    drag.current = { ...d, ...p };
  };
  const endDrag = (): void => {
    drag.current = null;
  };

  async function save(): Promise<void> {
    if (draft === null) return;
    setEditNote({ ok: true, text: "Sending to the agent…" });
    try {
      let command = await api.saveCamera(id, draft);
      setSaved(draft);
      setDraft(null);
      const deadline = Date.now() + 10_000;
      while ((command.state === "sent" || command.state === "accepted") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        command = await api.command(command.commandId);
      }
      if (command.state === "completed") setEditNote({ ok: true, text: "Applied by the agent: counting with the new zones." });
      else if (command.state === "rejected") setEditNote({ ok: false, text: `The agent refused it: ${command.reason ?? "no reason given"}` });
      else setEditNote({ ok: false, text: "Sent; the agent has not answered yet." });
    } catch (err) {
      const details = err instanceof ApiError ? err.details : [];
      setEditNote({ ok: false, text: `Not saved: ${err instanceof Error ? err.message : String(err)}`, details });
    }
  }

  return (
    <div>
    <div class={`camera${editing ? " is-editing" : ""}`} style={{ aspectRatio: `${w} / ${h}` }}>
      {url && (
        <img
          src={url}
          alt="Latest camera frame"
          data-testid="camera-frame"
          onLoad={(e) => {
            const img = e.currentTarget as HTMLImageElement;
            setSize({ w: img.naturalWidth, h: img.naturalHeight });
          }}
        />
      )}
      {zones && (
        <svg
          ref={svg}
          class="camera-overlay"
          viewBox={`0 0 ${w} ${h}`}
          preserveAspectRatio="none"
          aria-label="Zones and counting lines"
          onPointerMove={moveDrag}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
        >
          {zones.approaches.map((a, ai) => (
            <g key={a.id}>
              {a.zones.map((z, zi) => (
                <g key={z.id}>
                  <polygon
                    points={z.polygon.map((p) => p.join(",")).join(" ")}
                    class={`zone zone-${z.kind}`}
                    data-testid={`zone-${z.id}`}
                    onPointerDown={startDrag({ kind: "zone", approach: ai, zone: zi })}
                  />
                  <text x={z.polygon[0]?.[0] ?? 0} y={(z.polygon[0]?.[1] ?? 0) - 4} class="zone-label">
                    {z.id}
                  </text>
                  {editing &&
                    z.polygon.map((p, pi) => (
                      <circle
                        key={pi}
                        class="handle"
                        cx={p[0]}
                        cy={p[1]}
                        r={Math.max(6, w / 120)}
                        data-testid={`handle-${z.id}-${pi}`}
                        onPointerDown={startDrag({ kind: "vertex", approach: ai, zone: zi, vertex: pi })}
                      />
                    ))}
                </g>
              ))}
              {a.lines.map((l, li) => (
                <g key={l.id}>
                  <line x1={l.from[0]} y1={l.from[1]} x2={l.to[0]} y2={l.to[1]} class="count-line" />
                  {editing &&
                    (["from", "to"] as const).map((end) => (
                      <circle
                        key={end}
                        class="handle handle-line"
                        cx={l[end][0]}
                        cy={l[end][1]}
                        r={Math.max(6, w / 120)}
                        data-testid={`handle-${l.id}-${end}`}
                        onPointerDown={startDrag({ kind: "line-end", approach: ai, line: li, end })}
                      />
                    ))}
                </g>
              ))}
            </g>
          ))}
        </svg>
      )}
      {message && <p class="camera-message muted">{message}</p>}
    </div>
    {canEdit && zones && (
      <div class="zone-editor" aria-label="Zone editor">
        {editing ? (
          <>
            <span class="muted">Drag a zone, a corner or a line end.</span>
            <button type="button" data-testid="save-zones" onClick={() => void save()}>
              Save to the agent
            </button>
            <button type="button" class="secondary" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" data-testid="edit-zones" onClick={() => { setEditNote(null); setDraft(structuredClone(zones)); }}>
            Edit zones
          </button>
        )}
        {editNote && (
          <div class={editNote.ok ? "muted" : "error"} role="status" data-testid="zone-note">
            {editNote.text}
            {editNote.details && editNote.details.length > 0 && (
              <ul>
                {editNote.details.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    )}
    </div>
  );
}
