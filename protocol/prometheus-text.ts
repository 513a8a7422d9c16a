/**
 * Prometheus text exposition format 0.0.4: families of samples, written as text. Here because the
 * edge agent's /metrics and the hub's both write it, and protocol/ is what both sides import.
 */
export type Labels = Record<string, string>;
export interface Sample {
  labels?: Labels;
  value: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function line(name: string, sample: Sample): string {
  const labels = sample.labels ? Object.entries(sample.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`) : [];
  return `${name}${labels.length > 0 ? `{${labels.join(",")}}` : ""} ${Number.isFinite(sample.value) ? sample.value : 0}`;
}

export class PrometheusText {
  private readonly out: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string, samples: Sample[]): this {
    this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of samples) this.out.push(line(name, s));
    return this;
  }

  /** A histogram from cumulative bucket counts (upper bounds in `bounds`), with its sum and count. */
  histogram(name: string, help: string, h: { bounds: readonly number[]; cumulative: readonly number[]; sum: number; count: number }): this {
    this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    h.bounds.forEach((le, i) => this.out.push(line(`${name}_bucket`, { labels: { le: String(le) }, value: h.cumulative[i]! })));
    this.out.push(line(`${name}_bucket`, { labels: { le: "+Inf" }, value: h.count }));
    this.out.push(line(`${name}_sum`, { value: h.sum }), line(`${name}_count`, { value: h.count }));
    return this;
  }

  toString(): string {
    return `${this.out.join("\n")}\n`;
  }
}
