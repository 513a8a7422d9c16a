import { useEffect, useMemo, useState } from "preact/hooks";
import type { CameraZones, IntersectionDetail, MeasurePoint, PlanRecord } from "../net/contract.js";
import type { HubApi } from "../net/hub-api.js";
import type { LiveClient } from "../net/live-client.js";
import { congestionOf, healthOf } from "../state/classify.js";
import type { LiveStore } from "../state/live-store.js";
import { performanceHref } from "../state/route.js";
import { useNow } from "../state/use-store.js";
import { approachSeries, HOUR_MS, withMeasures } from "../view/approach-series.js";
import { eventText } from "../view/event-text.js";
import { ago, clockTime } from "../view/time-format.js";
import { CameraView } from "./CameraView.js";
import { ControlPanel } from "./ControlPanel.js";
import { HealthIcon } from "./HealthIcon.js";
import { MeasureChart } from "./MeasureChart.js";
import { RingDiagram } from "./RingDiagram.js";
import { SignalHeads } from "./SignalHeads.js";

/** A safety net behind the live `detail` messages: the whole detail is fetched this often too. */
const DETAIL_POLL_MS = 5000;

interface Props {
  id: string;
  api: HubApi;
  store: LiveStore;
  live: LiveClient;
  canControl: boolean;
  /** Admins edit the camera's zones and counting lines on its frame. */
  canEditZones?: boolean;
}

export function IntersectionView({ id, api, store, live, canControl, canEditZones = false }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [points, setPoints] = useState<MeasurePoint[]>([]);
  const [plans, setPlans] = useState<PlanRecord[]>([]);
  const now = useNow(500);

  useEffect(() => {
    let stopped = false;
    const load = (): void => {
      api.detail(id).then(
        (d) => {
          if (stopped) return;
          setError(null);
          store.setDetail(d);
        },
        (err: unknown) => !stopped && setError(err instanceof Error ? err.message : String(err)),
      );
    };
    load();
    live.watch(id);
    const timer = setInterval(load, DETAIL_POLL_MS);
    api.history(id, Date.now() - HOUR_MS).then(
      (h) => !stopped && setPoints((p) => [...h.measures, ...p]),
      () => undefined,
    );
    // Escape leaves the intersection (when no dialog is open: the dialog takes its own Escape).
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === "Escape" && !document.querySelector("dialog[open]") && !(e.target instanceof HTMLInputElement)) location.hash = "#/";
    };
    addEventListener("keydown", onKey);
    return () => {
      stopped = true;
      clearInterval(timer);
      live.watch(null);
      store.setDetail(null);
      removeEventListener("keydown", onKey);
    };
  }, [id, api, store, live]);

  const detail: IntersectionDetail | null = store.detail?.intersectionId === id ? store.detail : null;
  const summary = store.intersections.get(id) ?? detail;

  // Live measures extend the charts.
  const measures = detail?.measures ?? null;
  useEffect(() => {
    if (measures) setPoints((p) => withMeasures(p, measures));
  }, [measures?.ts]);
  const series = useMemo(() => approachSeries(points), [points]);

  const planId = detail?.plan?.planId ?? null;
  useEffect(() => {
    api.plans(id, 12).then(setPlans, () => undefined);
  }, [id, planId]);

  if (!summary) {
    return (
      <section class="intersection">
        <a href="#/">← City</a>
        <p class={error ? "error" : "muted"}>{error ?? "Loading…"}</p>
      </section>
    );
  }
  const health = healthOf(summary);
  const signal = detail?.signal ?? null;
  // Between signal messages the cycle keeps running: advance the marker by the time since.
  const cycleSecond =
    signal && signal.cycleSecond !== null && detail?.plan ? signal.cycleSecond + Math.max(0, (now + store.clockSkewMs - signal.ts) / 1000) : signal?.cycleSecond ?? null;
  const status = detail?.status ?? null;

  return (
    <section class="intersection" aria-label={`Intersection ${summary.name ?? id}`} data-testid="intersection-view" data-id={id}>
      <div class="title-row">
        <a href="#/" class="back">
          ← City
        </a>
        <h1>{summary.name ?? id}</h1>
        <span class="muted">
          {id} · region {summary.region}
        </span>
        <span class={`health health-${health}`} data-testid="detail-health">
          <HealthIcon health={health} size={18} />
          {health}
        </span>
        <a href={performanceHref(id)} data-testid="performance-link">
          Performance measures
        </a>
        <span class={`dos congestion-${congestionOf(summary.degreeOfSaturation)}`}>
          DoS {summary.degreeOfSaturation === null ? "–" : summary.degreeOfSaturation.toFixed(2)}
        </span>
        <span>queue {summary.queueVeh === null ? "–" : Math.round(summary.queueVeh)} veh</span>
      </div>
      {error && <p class="error">{error}</p>}
      {detail && detail.planning.state !== "planning" && (
        <p class="error" data-testid="planning-problem">
          {detail.planning.reason}
        </p>
      )}
      <div class="grid">
        <section class="card" aria-label="Signal">
          <h2>
            Signal <span class="muted">mode {summary.mode ?? "unknown"}{summary.activePhases.length > 0 ? ` · Φ${summary.activePhases.join("+")} active` : ""}</span>
          </h2>
          <SignalHeads groups={summary.online === false ? null : summary.groups} />
          <RingDiagram plan={detail?.plan ?? null} phases={detail?.phases ?? []} cycleSecond={cycleSecond} activePhases={summary.activePhases} />
        </section>
        <section class="card" aria-label="Agent health">
          <h2>Agent</h2>
          <dl class="facts" data-testid="agent-health">
            <dt>Link</dt>
            <dd class={summary.online === false ? "bad" : summary.online ? "good" : ""}>{summary.online === null ? "never heard" : summary.online ? "online" : "offline"}</dd>
            <dt>Last seen</dt>
            <dd>{ago(summary.lastSeenMs, now + store.clockSkewMs)}</dd>
            <dt>Camera</dt>
            <dd class={status?.camera ? (status.camera.ok ? "good" : "bad") : ""}>
              {status?.camera ? (status.camera.ok ? "ok" : `failing${status.camera.message ? `: ${status.camera.message}` : ""}`) : "–"}
            </dd>
            <dt>Inference</dt>
            <dd>{status?.inferenceFps !== undefined ? `${status.inferenceFps.toFixed(1)} fps` : "–"}</dd>
            <dt>Model</dt>
            <dd>{status?.model ?? "–"}</dd>
            <dt>Software</dt>
            <dd>{status?.version ?? "–"}</dd>
            <dt>Plan applied</dt>
            <dd>{status?.lastPlanApplied ?? "–"}</dd>
          </dl>
        </section>
        {canControl && detail && <ControlPanel api={api} store={store} detail={detail} />}
        <section class="card wide" aria-label="Measures">
          <h2>Approaches, last hour</h2>
          <div class="charts">
            <MeasureChart title="Queue (vehicles)" series={series} pick="queue" unit="veh" />
            <MeasureChart title="Count per interval (vehicles)" series={series} pick="count" unit="veh" />
          </div>
        </section>
        <section class="card" aria-label="Camera">
          <h2>Camera</h2>
          {detail ? <CameraView api={api} id={id} available={detail.camera.available} zones={/* the API leaves zones open: a simulator's camera configuration or an agent's snapshot geometry, both this shape */ detail.camera.zones as CameraZones | undefined} servedApproaches={detail.phases.flatMap((ph) => ph.approaches.map((a) => a.approachId))} canEdit={canEditZones} /> : <p class="muted">Loading…</p>}
        </section>
        <section class="card" aria-label="Plan history">
          <h2>Plans</h2>
          {plans.length === 0 ? (
            <p class="muted">No plans yet.</p>
          ) : (
            <table class="plans" data-testid="plan-history">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Plan</th>
                  <th>Cycle</th>
                  <th>Splits</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {plans.map((p) => (
                  <tr key={`${p.plan.planId}-${p.plan.ts}`}>
                    <td>{clockTime(p.plan.ts)}</td>
                    <td>
                      {p.plan.planId}
                      {p.source === "override" && <span class="badge">override</span>}
                    </td>
                    <td>{p.plan.cycleS} s</td>
                    <td>
                      {Object.entries(p.plan.splitsS)
                        .map(([k, v]) => `Φ${k} ${Math.round(v)}`)
                        .join(" · ")}
                    </td>
                    <td class="reason" title={p.plan.reason}>
                      <span>{p.plan.reason}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" aria-label="Controller events">
          <h2>Recent controller events</h2>
          {!detail || detail.recentEvents.length === 0 ? (
            <p class="muted">No events yet.</p>
          ) : (
            <ol class="events" data-testid="events">
              {[...detail.recentEvents]
                .reverse()
                .slice(0, 40)
                .map((e, i) => (
                  <li key={`${e.ts}-${i}`} class={`event event-${e.type}`}>
                    <time>{clockTime(e.ts)}</time> {eventText(e)}
                  </li>
                ))}
            </ol>
          )}
        </section>
      </div>
    </section>
  );
}
