import { useEffect, useMemo, useState } from "preact/hooks";
import type { Performance } from "../net/contract.js";
import type { HubApi } from "../net/hub-api.js";
import { intersectionHref } from "../state/route.js";
import { coordinationSeries, splitSeries, TERMINATION_CODES, terminationSeries } from "../view/performance-series.js";
import { ScatterChart, type ScatterSeries } from "./ScatterChart.js";

const HOUR_MS = 3_600_000;
const PRESETS = [
  { label: "Last hour", ms: HOUR_MS },
  { label: "Last 3 hours", ms: 3 * HOUR_MS },
  { label: "Last 24 hours", ms: 24 * HOUR_MS },
] as const;
const PHASE_COLOURS = ["#58a6ff", "#3fb950", "#e3b341", "#f778ba", "#a5d6ff", "#ffa657", "#d2a8ff", "#7ee787"];
const PCD_SERIES: ScatterSeries[] = [
  { label: "arrivals", colour: "#c9d1d9" },
  { label: "green starts", colour: "#3fb950", line: true },
  { label: "yellow starts", colour: "#e3b341", line: true },
];
const TERMINATION_SERIES: ScatterSeries[] = TERMINATION_CODES.map(({ label }, i) => ({ label, colour: ["#3fb950", "#f85149", "#58a6ff"][i]! }));

type Range = { fromMs: number; toMs: number };

/** `datetime-local` works in local time without a zone; these convert to and from ms. */
const toLocalInput = (ms: number): string => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const fromLocalInput = (text: string): number => new Date(text).getTime();
const pct = (x: number): string => `${x.toFixed(1)} %`;

/** ATSPM performance measures of one intersection over a time range: the charts engineers know. */
export function PerformanceView({ id, api }: { id: string; api: HubApi }) {
  const [range, setRange] = useState<Range | null>(null);
  const [data, setData] = useState<Performance | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The diagram shown; null: the first with arrivals (a phase with no advance detector has none). */
  const [approach, setApproach] = useState<number | null>(null);
  const [custom, setCustom] = useState<{ from: string; to: string }>({ from: "", to: "" });

  useEffect(() => {
    let stopped = false;
    setError(null);
    api.performance(id, range).then(
      (p) => {
        if (stopped) return;
        setData(p);
        setCustom({ from: toLocalInput(p.fromMs), to: toLocalInput(p.toMs) });
      },
      (err: unknown) => !stopped && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      stopped = true;
    };
  }, [api, id, range]);

  const m = data?.measures;
  const diagrams = m?.coordinationDiagram ?? [];
  const shown = approach ?? Math.max(0, diagrams.findIndex((d) => d.arrivalMs.length > 0));
  const diagram = diagrams[Math.min(shown, diagrams.length - 1)];
  const pcdSets = useMemo(() => (diagram ? coordinationSeries(diagram) : []), [diagram]);
  const splitSets = useMemo(() => splitSeries(m?.splitMonitor ?? []), [m]);
  const splitLegend = useMemo<ScatterSeries[]>(() => (m?.splitMonitor ?? []).map((p, i) => ({ label: `Φ${p.phase}`, colour: PHASE_COLOURS[i % PHASE_COLOURS.length]! })), [m]);
  const terminationSets = useMemo(() => terminationSeries(m?.phaseTermination ?? []), [m]);
  const newest = data?.heldToMs ?? null;

  const download = (): void => {
    if (!data) return;
    api.eventsCsv(id, data).then(
      (blob) => {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = `${id}-events.csv`;
        a.click();
        URL.revokeObjectURL(a.href);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };

  return (
    <section class="intersection performance" aria-label={`Performance of ${id}`} data-testid="performance-view" data-id={id}>
      <div class="title-row">
        <a href={intersectionHref(id)} class="back">
          ← {id}
        </a>
        <h1>Performance measures</h1>
        <span class="muted">from the controller's hi-res events (ATSPM)</span>
      </div>
      <form
        class="range-picker card"
        aria-label="Time range"
        onSubmit={(e) => {
          e.preventDefault();
          const fromMs = fromLocalInput(custom.from);
          const toMs = fromLocalInput(custom.to);
          if (Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs) setRange({ fromMs, toMs });
          else setError("the range needs a start before its end");
        }}
      >
        {PRESETS.map((p) => (
          <button type="button" key={p.label} disabled={newest === null} onClick={() => newest !== null && setRange({ fromMs: newest + 1 - p.ms, toMs: newest + 1 })}>
            {p.label}
          </button>
        ))}
        <label>
          from <input type="datetime-local" value={custom.from} onInput={(e) => setCustom({ ...custom, from: e.currentTarget.value })} data-testid="range-from" />
        </label>
        <label>
          to <input type="datetime-local" value={custom.to} onInput={(e) => setCustom({ ...custom, to: e.currentTarget.value })} data-testid="range-to" />
        </label>
        <button type="submit">Show</button>
        <button type="button" onClick={download} disabled={!data}>
          Export ATSPM CSV
        </button>
        {data && (
          <span class="muted" data-testid="range-events">
            {m?.events ?? 0} events · {new Date(data.fromMs).toLocaleString()} – {new Date(data.toMs).toLocaleString()}
          </span>
        )}
      </form>
      {error && <p class="error">{error}</p>}
      {data && data.detectorsConfigured === 0 && (
        <p class="muted">No ATSPM detectors are configured for this intersection (`atspm.detectors` in the hub's configuration): arrivals and split failures need them.</p>
      )}
      {m && (
        <div class="grid">
          <section class="card wide" aria-label="Summary">
            <h2>Summary</h2>
            <table class="summary" data-testid="performance-summary">
              <thead>
                <tr>
                  <th>phase</th>
                  <th>approach</th>
                  <th>arrivals on green</th>
                  <th>platoon ratio</th>
                  <th>split failures</th>
                  <th>approach delay</th>
                </tr>
              </thead>
              <tbody>
                {m.arrivalsOnGreen.map((a) => {
                  const sf = m.splitFailures.find((s) => s.phase === a.phase && s.approachId === a.approachId);
                  const delay = m.approachDelay.find((d) => d.phase === a.phase && d.approachId === a.approachId);
                  return (
                    <tr key={`${a.phase}/${a.approachId}`}>
                      <td>Φ{a.phase}</td>
                      <td>{a.approachId ?? "–"}</td>
                      <td>{pct(a.percentOnGreen)} <span class="muted">of {a.arrivals}</span></td>
                      <td>{a.platoonRatio.toFixed(2)}</td>
                      <td>{sf ? `${pct(sf.percentFailed)} of ${sf.cycles}` : "–"}</td>
                      <td>{delay ? `${delay.delayPerVehicleS.toFixed(1)} s/veh` : "–"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
          <section class="card wide" aria-label="Coordination diagram">
            <h2>
              Purdue coordination diagram{" "}
              {diagrams.length > 1 && (
                <select value={shown} onChange={(e) => setApproach(Number(e.currentTarget.value))} aria-label="Phase and approach">
                  {diagrams.map((d, i) => (
                    <option value={i} key={i}>
                      Φ{d.phase} {d.approachId ?? ""}
                    </option>
                  ))}
                </select>
              )}
            </h2>
            <ScatterChart title="Arrivals by second in cycle (cycle starts at the end of yellow)" sets={pcdSets} series={PCD_SERIES} yLabel="s in cycle" testId="chart-pcd" height={260} />
          </section>
          <section class="card" aria-label="Split monitor">
            <h2>Split monitor</h2>
            <ScatterChart title="Split served (green + yellow + red clearance)" sets={splitSets} series={splitLegend} yLabel="s" testId="chart-splits" />
          </section>
          <section class="card" aria-label="Phase termination">
            <h2>Phase termination</h2>
            <ScatterChart title="How each green ended, per phase" sets={terminationSets} series={TERMINATION_SERIES} yLabel="phase" testId="chart-termination" />
          </section>
        </div>
      )}
    </section>
  );
}
