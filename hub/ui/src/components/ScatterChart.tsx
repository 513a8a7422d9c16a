import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { alignSeries, type XY } from "../view/performance-series.js";

export interface ScatterSeries {
  label: string;
  colour: string;
  /** Joined by a line (green and yellow starts); otherwise points only. */
  line?: boolean;
}

/** Points (and optional lines) over time with uPlot: the shape of ATSPM's charts. */
export function ScatterChart({ title, sets, series, yLabel, testId, height = 220 }: { title: string; sets: XY[]; series: ScatterSeries[]; yLabel: string; testId: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const points = sets.reduce((n, s) => n + s.x.length, 0);

  useEffect(() => {
    const el = host.current;
    if (!el || points === 0) return;
    const options: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: "#8b949e", grid: { stroke: "#21262d" }, ticks: { stroke: "#30363d" } },
        { stroke: "#8b949e", grid: { stroke: "#21262d" }, ticks: { stroke: "#30363d" }, label: yLabel, labelSize: 18, size: 44 },
      ],
      series: [
        {},
        ...series.map((s) =>
          s.line
            ? { label: s.label, stroke: s.colour, width: 1.5, spanGaps: true, points: { show: false } }
            : { label: s.label, stroke: s.colour, width: 0, paths: () => null, points: { show: true, size: 4, fill: s.colour, stroke: s.colour } },
        ),
      ],
    };
    const chart = new uPlot(options, alignSeries(sets) as uPlot.AlignedData, el);
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(280, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [sets, series, yLabel, height, points]);

  return (
    <figure class="chart" data-testid={testId} data-points={points}>
      <figcaption>{title}</figcaption>
      {points === 0 && <p class="muted">Nothing in this time range.</p>}
      <div ref={host} />
    </figure>
  );
}
