import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { ApproachSeries } from "../view/approach-series.js";

const APPROACH_COLOURS = ["#58a6ff", "#3fb950", "#e3b341", "#f778ba", "#a5d6ff", "#ffa657", "#d2a8ff", "#7ee787"];

/** One uPlot chart of a per-approach measure (queue or count) over time. */
export function MeasureChart({ title, series, pick, unit }: { title: string; series: ApproachSeries; pick: "queue" | "count"; unit: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.approaches.join(",");

  // A new chart when the approaches change; otherwise only its data.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 180,
      // Labels only: values appear on hover in the cursor, not as "--" rows.
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: "#8b949e", grid: { stroke: "#21262d" }, ticks: { stroke: "#30363d" } },
        { stroke: "#8b949e", grid: { stroke: "#21262d" }, ticks: { stroke: "#30363d" }, label: unit, labelSize: 18, size: 44 },
      ],
      series: [{}, ...series.approaches.map((a, i) => ({ label: a, stroke: APPROACH_COLOURS[i % APPROACH_COLOURS.length], width: 2, spanGaps: true }))],
    };
    const chart = new uPlot(options, [series.timesS, ...series[pick]] as uPlot.AlignedData, el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(280, el.clientWidth), height: 180 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, pick, unit]);

  useEffect(() => {
    plot.current?.setData([series.timesS, ...series[pick]] as uPlot.AlignedData);
  }, [series, pick]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {series.timesS.length === 0 && <p class="muted">No measures in the last hour.</p>}
      <div ref={host} data-testid={`chart-${pick}`} />
    </figure>
  );
}
