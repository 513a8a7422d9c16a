import type { CameraZones } from "../net/contract.js";
import { selectedItem, type CountDirection, type ItemChange, type Selection, type ZoneKind } from "./zone-edits.js";

export type Tool = "select" | "zone" | "line";

const ZONE_KINDS: readonly ZoneKind[] = ["loop", "presence", "queue"];
const DIRECTIONS: readonly { value: CountDirection; label: string }[] = [
  { value: "positive", label: "positive (left → right of the line as drawn)" },
  { value: "negative", label: "negative" },
  { value: "both", label: "both" },
];

export interface ZoneEditorPanelProps {
  draft: CameraZones;
  tool: Tool;
  /** Corners drawn so far of the zone or line being drawn. */
  drawingPoints: number;
  selection: Selection | null;
  approaches: readonly string[];
  newApproach: string;
  newKind: ZoneKind;
  newDirection: CountDirection;
  onTool: (tool: Tool) => void;
  onNewApproach: (id: string) => void;
  onNewKind: (kind: ZoneKind) => void;
  onNewDirection: (d: CountDirection) => void;
  onCloseZone: () => void;
  onChange: (change: ItemChange) => void;
  onMove: (approachId: string) => void;
  onDelete: () => void;
  onDeleteVertex: () => void;
  onSave: () => void;
  onRevert: () => void;
  onDiscard: () => void;
}

/** A labelled drop-down of `options`. */
function Choice<T extends string>(c: { label: string; testId: string; value: T; options: readonly { value: T; label: string }[]; onChange: (value: T) => void }) {
  return (
    <label>
      {c.label}{" "}
      <select data-testid={c.testId} value={c.value} onChange={(e) => c.onChange(e.currentTarget.value as T)}>
        {c.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const asOptions = <T extends string>(values: readonly T[]): { value: T; label: string }[] => values.map((value) => ({ value, label: value }));

/** The zone editor's controls: drawing tools, what a new zone or line gets, the selected item's fields, save and revert. */
export function ZoneEditorPanel(p: ZoneEditorPanelProps) {
  const item = p.selection === null ? null : selectedItem(p.draft, p.selection);
  const vertex = p.selection?.kind === "zone" ? p.selection.vertex : undefined;
  const hint =
    p.tool === "zone"
      ? p.drawingPoints === 0
        ? "Click the zone's corners in order around it."
        : `${p.drawingPoints} corner${p.drawingPoints === 1 ? "" : "s"}: click the first corner or “Close zone” to finish, Esc to cancel.`
      : p.tool === "line"
        ? p.drawingPoints === 0
          ? "Click where the counting line starts."
          : "Click where it ends (Esc cancels)."
        : "Click a zone or line to select it; drag a zone, a corner or a line end; drag a + to add a corner.";
  return (
    <div class="zone-editor-panel">
      <div class="zone-editor-row" role="toolbar" aria-label="Drawing tools">
        {(["select", "zone", "line"] as const).map((t) => (
          <button key={t} type="button" class={p.tool === t ? "primary" : ""} aria-pressed={p.tool === t} data-testid={`tool-${t}`} onClick={() => p.onTool(t)}>
            {t === "select" ? "Select / move" : t === "zone" ? "Draw zone" : "Draw line"}
          </button>
        ))}
        <Choice label="Approach" testId="new-approach" value={p.newApproach} options={asOptions(p.approaches)} onChange={p.onNewApproach} />
        {p.tool === "zone" && (
          <Choice label="Kind" testId="new-zone-kind" value={p.newKind} options={asOptions(ZONE_KINDS)} onChange={p.onNewKind} />
        )}
        {p.tool === "line" && (
          <Choice label="Counts" testId="new-line-direction" value={p.newDirection} options={DIRECTIONS} onChange={p.onNewDirection} />
        )}
        {p.tool === "zone" && (
          <button type="button" data-testid="close-zone" disabled={p.drawingPoints < 3} onClick={p.onCloseZone}>
            Close zone
          </button>
        )}
      </div>
      <p class="muted zone-editor-hint">{hint}</p>
      {item !== null && p.tool === "select" && (
        <div class="zone-editor-row" aria-label="Selected item" data-testid="selected-item">
          <strong>{"zone" in item ? "Zone" : "Line"}</strong>
          <label>
            Id{" "}
            <input data-testid="selected-id" value={"zone" in item ? item.zone.id : item.line.id} size={14} onChange={(e) => p.onChange({ id: e.currentTarget.value })} />
          </label>
          <Choice label="Approach" testId="selected-approach" value={item.approachId} options={asOptions(p.approaches)} onChange={p.onMove} />
          {"zone" in item ? (
            <Choice label="Kind" testId="selected-kind" value={item.zone.kind} options={asOptions(ZONE_KINDS)} onChange={(kind) => p.onChange({ kind })} />
          ) : (
            <Choice label="Counts" testId="selected-direction" value={item.line.countDirection} options={DIRECTIONS} onChange={(countDirection) => p.onChange({ countDirection })} />
          )}
          {vertex !== undefined && (
            <button type="button" data-testid="delete-vertex" onClick={p.onDeleteVertex}>
              Delete corner {vertex + 1}
            </button>
          )}
          <button type="button" class="danger" data-testid="delete-selected" onClick={p.onDelete}>
            Delete {"zone" in item ? "zone" : "line"}
          </button>
        </div>
      )}
      <div class="zone-editor-row">
        <button type="button" class="primary" data-testid="save-zones" onClick={p.onSave}>
          Save to the agent
        </button>
        <button type="button" data-testid="revert-zones" onClick={p.onRevert}>
          Revert
        </button>
        <button type="button" data-testid="discard-zones" onClick={p.onDiscard}>
          Close without saving
        </button>
      </div>
    </div>
  );
}
