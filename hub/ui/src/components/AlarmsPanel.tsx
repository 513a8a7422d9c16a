import { useState } from "preact/hooks";
import type { AlarmRecord, AlarmType } from "../net/contract.js";
import type { HubApi } from "../net/hub-api.js";
import type { LiveStore } from "../state/live-store.js";
import { intersectionHref } from "../state/route.js";
import { clockTime } from "../view/time-format.js";

const ALARM_TITLES: Record<AlarmType, string> = {
  offline: "Agent offline",
  fallback: "Running fallback plan",
  "conflict-flash": "Conflict monitor: flash",
  camera: "Camera failure",
  "tsdb-unreachable": "Time-series server unreachable",
  "plan-rejected": "Plan rejected",
  "command-unanswered": "Command unanswered",
  "clock-skew": "Device clock implausible",
  "controller-config": "Hub settings do not fit the controller",
};

/** Alarms an operator still has to see, newest first; operators acknowledge them here. */
export function AlarmsPanel({ store, api, canAcknowledge }: { store: LiveStore; api: HubApi; canAcknowledge: boolean }) {
  const alarms = store.openAlarms();
  const active = alarms.filter((a) => a.active).length;
  return (
    <aside class="alarms-panel" aria-label="Alarms" data-testid="alarms">
      <h2>
        Alarms <span class={active > 0 ? "badge badge-alarm" : "badge"}>{active} active</span>
      </h2>
      {alarms.length === 0 && <p class="muted">No alarms.</p>}
      <ul class="alarm-list">
        {alarms.slice(0, 200).map((a) => (
          <AlarmItem key={a.id} alarm={a} api={api} store={store} canAcknowledge={canAcknowledge} />
        ))}
      </ul>
      {alarms.length > 200 && <p class="muted">…and {alarms.length - 200} more</p>}
    </aside>
  );
}

function AlarmItem({ alarm, api, store, canAcknowledge }: { alarm: AlarmRecord; api: HubApi; store: LiveStore; canAcknowledge: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = alarm.intersectionId ? store.intersections.get(alarm.intersectionId)?.name ?? alarm.intersectionId : "hub";
  async function acknowledge(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.acknowledgeAlarm(alarm.id);
      store.apply({ type: "update", intersections: [], alarms: [updated] });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li class={`alarm alarm-${alarm.type} ${alarm.active ? "is-active" : "is-cleared"}`} data-alarm-type={alarm.type}>
      <div class="alarm-head">
        <strong>{ALARM_TITLES[alarm.type]}</strong>
        <time dateTime={new Date(alarm.raisedAtMs).toISOString()}>{clockTime(alarm.raisedAtMs)}</time>
        {alarm.count > 1 && <span class="muted" title={`last ${clockTime(alarm.lastSeenMs)}`}>×{alarm.count}</span>}
      </div>
      <div class="alarm-where">{alarm.intersectionId ? <a href={intersectionHref(alarm.intersectionId)}>{name}</a> : name}</div>
      <div class="alarm-message">{alarm.message}</div>
      <div class="alarm-foot">
        <span class={alarm.active ? "state-active" : "state-cleared"}>{alarm.active ? "active" : `cleared ${alarm.clearedAtMs ? clockTime(alarm.clearedAtMs) : ""}`}</span>
        {alarm.acknowledgedBy ? (
          <span class="muted">ack by {alarm.acknowledgedBy}</span>
        ) : (
          canAcknowledge && (
            <button type="button" class="small" disabled={busy} onClick={acknowledge}>
              Acknowledge
            </button>
          )
        )}
      </div>
      {error && <p class="error">{error}</p>}
    </li>
  );
}
