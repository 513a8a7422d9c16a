import { useEffect, useRef, useState } from "preact/hooks";
import type { CameraZones } from "../net/contract.js";
import { ApiError, type HubApi } from "../net/hub-api.js";
import { dragged, type DragTarget } from "./zone-drag.js";
import {
  approachChoices,
  imagePixel,
  withNewLine,
  withNewZone,
  withoutSelected,
  withoutVertex,
  withSelectedChanged,
  withSelectedMoved,
  withVertexInserted,
  type CountDirection,
  type Point,
  type Selection,
  type ZoneKind,
} from "./zone-edits.js";
import { ZoneEditorPanel, type Tool } from "./ZoneEditorPanel.js";

const REFRESH_MS = 2000;

type Note = { ok: boolean; text: string; details?: string[] };

/**
 * The latest camera frame, refreshed, with the camera's zones and counting lines drawn over it in
 * image pixels. Fetched with the bearer token (an <img src> cannot carry it) into an object URL.
 * An admin edits on it: draws zones and lines, moves, deletes, adds and removes corners; the save
 * goes to the API, whose schema errors are shown as they are.
 */
export function CameraView({
  api,
  id,
  available,
  zones: shown,
  servedApproaches = [],
  canEdit = false,
}: {
  api: HubApi;
  id: string;
  available: boolean;
  zones: CameraZones | undefined;
  /** The approaches the intersection's controller serves: where new zones and lines may go. */
  servedApproaches?: readonly string[];
  canEdit?: boolean;
}) {
  const [url, setUrl] = useState<string | null>(null);
  // The zone editor's working copy (null when not editing), what it started from, and what a save said.
  const [draft, setDraft] = useState<CameraZones | null>(null);
  const [original, setOriginal] = useState<CameraZones | null>(null);
  const [saved, setSaved] = useState<CameraZones | null>(null);
  const [editNote, setEditNote] = useState<Note | null>(null);
  const [tool, setTool] = useState<Tool>("select");
  const [drawing, setDrawing] = useState<Point[]>([]);
  const [pointer, setPointer] = useState<Point | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [newApproach, setNewApproach] = useState<string>("");
  const [newKind, setNewKind] = useState<ZoneKind>("loop");
  const [newDirection, setNewDirection] = useState<CountDirection>("positive");
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

  const editing = draft !== null;
  const approaches = draft === null ? [] : approachChoices(draft, servedApproaches);

  // Esc cancels a drawing (or the selection); Delete removes the selected corner, else the selected zone or line.
  useEffect(() => {
    if (!editing) return;
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === "INPUT" || target.tagName === "SELECT")) return;
      if (e.key === "Escape") {
        setDrawing([]);
        setSelection(null);
      } else if ((e.key === "Delete" || e.key === "Backspace") && selection !== null) {
        e.preventDefault();
        if (selection.kind === "zone" && selection.vertex !== undefined) deleteVertex();
        else deleteSelected();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  if (!available) return <p class="muted">This intersection provides no camera frames.</p>;
  const w = zones?.width ?? size?.w ?? 640;
  const h = zones?.height ?? size?.h ?? 360;
  const handleR = Math.max(6, w / 120);
  // Labels in image pixels, sized to the image so they stay readable once it is scaled to the card.
  const labelPx = Math.max(11, w / 50);
  const selecting = editing && tool === "select";

  /** Pointer position in image pixels (the overlay stretches the image's coordinates to the box). */
  const imagePoint = (e: PointerEvent): { x: number; y: number } | null => {
    const el = svg.current;
    const ctm = el?.getScreenCTM();
    if (!el || !ctm) return null;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y };
  };
  const startDrag = (target: DragTarget, select: Selection) => (e: PointerEvent) => {
    if (!selecting) return;
    const p = imagePoint(e);
    if (!p) return;
    e.stopPropagation();
    svg.current?.setPointerCapture(e.pointerId);
    drag.current = { target, ...p };
    setSelection(select);
  };
  /** A "+" on an edge: a corner inserted there, held for dragging. */
  const startInsert = (approach: number, zone: number, edge: number) => (e: PointerEvent) => {
    if (!selecting || draft === null) return;
    const p = imagePoint(e);
    if (!p) return;
    e.stopPropagation();
    svg.current?.setPointerCapture(e.pointerId);
    setDraft(withVertexInserted(draft, approach, zone, edge));
    drag.current = { target: { kind: "vertex", approach, zone, vertex: edge + 1 }, ...p };
    setSelection({ kind: "zone", approach, zone, vertex: edge + 1 });
  };
  const onPointerDown = (e: PointerEvent): void => {
    if (!editing || draft === null) return;
    const p = imagePoint(e);
    if (!p) return;
    const at = imagePixel(draft, [p.x, p.y]);
    if (tool === "select") {
      setSelection(null); // a click on nothing
      return;
    }
    if (tool === "line") {
      if (drawing.length === 0) setDrawing([at]);
      else finishLine(drawing[0]!, at);
      return;
    }
    const first = drawing[0];
    if (first !== undefined && drawing.length >= 3 && Math.hypot(at[0] - first[0], at[1] - first[1]) <= handleR * 1.5) closeZone();
    else setDrawing([...drawing, at]);
  };
  const onPointerMove = (e: PointerEvent): void => {
    const p = imagePoint(e);
    if (!p) return;
    if (editing && tool !== "select" && drawing.length > 0) setPointer([p.x, p.y]);
    const d = drag.current;
    if (!d || draft === null) return;
    setDraft(dragged(draft, d.target, p.x - d.x, p.y - d.y));
    drag.current = { ...d, ...p };
  };
  const endDrag = (): void => {
    drag.current = null;
  };

  function beginEdit(): void {
    if (!zones) return;
    setEditNote(null);
    setDraft(structuredClone(zones));
    setOriginal(structuredClone(zones));
    setTool("select");
    setDrawing([]);
    setSelection(null);
    setNewApproach(approachChoices(zones, servedApproaches)[0] ?? "");
  }
  function chooseTool(next: Tool): void {
    setTool(next);
    setDrawing([]);
    setPointer(null);
    setSelection(null);
  }
  function closeZone(): void {
    if (draft === null || drawing.length < 3) return;
    const added = withNewZone(draft, newApproach, newKind, drawing);
    setDraft(added.camera);
    setDrawing([]);
    setPointer(null);
    setTool("select");
    setSelection(added.selection);
  }
  function finishLine(from: Point, to: Point): void {
    if (draft === null) return;
    const added = withNewLine(draft, newApproach, newDirection, from, to);
    setDraft(added.camera);
    setDrawing([]);
    setPointer(null);
    setTool("select");
    setSelection(added.selection);
  }
  function deleteSelected(): void {
    if (draft === null || selection === null) return;
    setDraft(withoutSelected(draft, selection));
    setSelection(null);
  }
  function deleteVertex(): void {
    if (draft === null || selection?.kind !== "zone" || selection.vertex === undefined) return;
    setDraft(withoutVertex(draft, selection.approach, selection.zone, selection.vertex));
    setSelection({ kind: "zone", approach: selection.approach, zone: selection.zone });
  }
  function stopEditing(): void {
    setDraft(null);
    setOriginal(null);
    setDrawing([]);
    setSelection(null);
  }

  async function save(): Promise<void> {
    if (draft === null) return;
    setEditNote({ ok: true, text: "Sending to the agent…" });
    try {
      let command = await api.saveCamera(id, draft);
      setSaved(draft);
      stopEditing();
      const deadline = Date.now() + 10_000;
      while ((command.state === "sent" || command.state === "accepted") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        command = await api.command(command.commandId);
      }
      if (command.state === "completed") setEditNote({ ok: true, text: "Applied by the agent: counting with the new zones." });
      else if (command.state === "rejected") {
        // The agent kept its zones: show them again, not the refused ones.
        setSaved(null);
        setEditNote({ ok: false, text: `The agent refused it: ${command.reason ?? "no reason given"}` });
      } else setEditNote({ ok: false, text: "Sent; the agent has not answered yet." });
    } catch (err) {
      // Refused by the API: the drawing stays open to be fixed.
      // The field-by-field list, when the API gave one, says it all (its message repeats it in one line).
      const details = err instanceof ApiError ? err.details : [];
      const text = details.length > 0 ? "Not saved: the configuration was refused:" : `Not saved: ${err instanceof Error ? err.message : String(err)}`;
      setEditNote({ ok: false, text, details });
    }
  }

  const isSelected = (s: Selection): boolean =>
    selection !== null && selection.kind === s.kind && selection.approach === s.approach && (s.kind === "zone" ? selection.kind === "zone" && selection.zone === s.zone : selection.kind === "line" && selection.line === s.line);
  const drawn = pointer !== null && drawing.length > 0 ? [...drawing, pointer] : drawing;

  return (
    <div>
      <div class={`camera${editing ? " is-editing" : ""}${editing && tool !== "select" ? " is-drawing" : ""}`} style={{ aspectRatio: `${w} / ${h}` }}>
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
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={endDrag}
            onPointerCancel={endDrag}
          >
            {/* Catches clicks on empty image: drawing, or clearing the selection. */}
            {editing && <rect class="draw-surface" x={0} y={0} width={w} height={h} />}
            {zones.approaches.map((a, ai) => (
              <g key={a.id}>
                {a.zones.map((z, zi) => {
                  const sel: Selection = { kind: "zone", approach: ai, zone: zi };
                  const chosen = isSelected(sel);
                  return (
                    <g key={`${zi}:${z.id}`}>
                      <polygon
                        points={z.polygon.map((p) => p.join(",")).join(" ")}
                        class={`zone zone-${z.kind}${chosen ? " is-selected" : ""}`}
                        data-testid={`zone-${z.id}`}
                        onPointerDown={startDrag({ kind: "zone", approach: ai, zone: zi }, sel)}
                      />
                      <text x={z.polygon[0]?.[0] ?? 0} y={(z.polygon[0]?.[1] ?? 0) - 4} class="zone-label" style={{ fontSize: `${labelPx}px` }}>
                        {z.id}
                      </text>
                      {selecting &&
                        z.polygon.map((p, pi) => (
                          <circle
                            key={pi}
                            class={`handle${chosen && selection?.kind === "zone" && selection.vertex === pi ? " is-selected" : ""}`}
                            cx={p[0]}
                            cy={p[1]}
                            r={handleR}
                            data-testid={`handle-${z.id}-${pi}`}
                            onPointerDown={startDrag({ kind: "vertex", approach: ai, zone: zi, vertex: pi }, { ...sel, vertex: pi })}
                          />
                        ))}
                      {selecting &&
                        chosen &&
                        z.polygon.map((p, pi) => {
                          const q = z.polygon[(pi + 1) % z.polygon.length]!;
                          return (
                            <g key={`mid-${pi}`} class="handle-insert" data-testid={`insert-${z.id}-${pi}`} onPointerDown={startInsert(ai, zi, pi)}>
                              <circle cx={(p[0] + q[0]) / 2} cy={(p[1] + q[1]) / 2} r={handleR * 0.8} />
                              <text x={(p[0] + q[0]) / 2} y={(p[1] + q[1]) / 2}>
                                +
                              </text>
                            </g>
                          );
                        })}
                    </g>
                  );
                })}
                {a.lines.map((l, li) => {
                  const sel: Selection = { kind: "line", approach: ai, line: li };
                  return (
                    <g key={`${li}:${l.id}`}>
                      <line x1={l.from[0]} y1={l.from[1]} x2={l.to[0]} y2={l.to[1]} class={`count-line${isSelected(sel) ? " is-selected" : ""}`} />
                      {selecting && (
                        <line
                          x1={l.from[0]}
                          y1={l.from[1]}
                          x2={l.to[0]}
                          y2={l.to[1]}
                          class="count-line-hit"
                          data-testid={`line-${l.id}`}
                          onPointerDown={(e) => {
                            if (!selecting) return;
                            e.stopPropagation();
                            setSelection(sel);
                          }}
                        />
                      )}
                      {selecting &&
                        (["from", "to"] as const).map((end) => (
                          <circle
                            key={end}
                            class="handle handle-line"
                            cx={l[end][0]}
                            cy={l[end][1]}
                            r={handleR}
                            data-testid={`handle-${l.id}-${end}`}
                            onPointerDown={startDrag({ kind: "line-end", approach: ai, line: li, end }, sel)}
                          />
                        ))}
                    </g>
                  );
                })}
              </g>
            ))}
            {editing && drawn.length > 0 && (
              <g class="drawing" data-testid="drawing">
                <polyline points={drawn.map((p) => p.join(",")).join(" ")} class={tool === "line" ? "count-line" : "zone drawing-zone"} />
                {drawing.map((p, i) => (
                  <circle key={i} class={`handle${i === 0 ? " drawing-start" : ""}`} cx={p[0]} cy={p[1]} r={handleR} />
                ))}
              </g>
            )}
          </svg>
        )}
        {message && <p class="camera-message muted">{message}</p>}
      </div>
      {canEdit && zones && (
        <div class="zone-editor" aria-label="Zone editor">
          {draft !== null ? (
            <ZoneEditorPanel
              draft={draft}
              tool={tool}
              drawingPoints={drawing.length}
              selection={selection}
              approaches={approaches}
              newApproach={newApproach}
              newKind={newKind}
              newDirection={newDirection}
              onTool={chooseTool}
              onNewApproach={setNewApproach}
              onNewKind={setNewKind}
              onNewDirection={setNewDirection}
              onCloseZone={closeZone}
              onChange={(change) => selection !== null && setDraft(withSelectedChanged(draft, selection, change))}
              onMove={(approachId) => {
                if (selection === null) return;
                const moved = withSelectedMoved(draft, selection, approachId);
                setDraft(moved.camera);
                setSelection(moved.selection);
              }}
              onDelete={deleteSelected}
              onDeleteVertex={deleteVertex}
              onSave={() => void save()}
              onRevert={() => {
                setDraft(original === null ? null : structuredClone(original));
                setDrawing([]);
                setSelection(null);
                setEditNote(null);
              }}
              onDiscard={stopEditing}
            />
          ) : (
            <button type="button" data-testid="edit-zones" onClick={beginEdit}>
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
