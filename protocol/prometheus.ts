// The Prometheus text exposition format (version 0.0.4) that the frontend and the worker
// serve on /metrics: counters, gauges read at scrape time and fixed-bucket histograms.
// Format facts from prometheus/docs content/docs/instrumenting/exposition_formats.md@a3a0fda64783ec0dbef66edf5079a49c396b8647:
// label values escape `\`, `"` and line feed; HELP text escapes `\` and line feed; a
// histogram has cumulative `_bucket{le}` samples ending with `le="+Inf"` (= the count),
// then `_sum` and `_count`; the last line ends with a line feed.

export type Labels = Readonly<Record<string, string>>;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escapeLabelValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function labelText(labels: Labels): string {
  let out = '';
  for (const key in labels) out += `${out ? ',' : ''}${key}="${escapeLabelValue(labels[key]!)}"`;
  return out;
}

/** `a="x",b="y"` from `base` then `extra`, either possibly empty. */
const joinLabels = (base: string, extra: string): string => (base && extra ? `${base},${extra}` : base || extra);
const sample = (name: string, labels: string, value: number): string => `${name}${labels ? `{${labels}}` : ''} ${value}`;

export interface Metric {
  /** The family's lines; `labels` are added to every sample (e.g. vLLM's model_name). */
  render(labels?: Labels): string[];
}

abstract class Family implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  render(labels: Labels = {}): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`, ...this.samples(labelText(labels))];
  }

  protected abstract samples(labels: string): string[];
}

/** A monotonic count per label set. */
export class Counter extends Family {
  private readonly values = new Map<string, number>();

  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  /** `by` 0 creates the series at zero, so specs can diff before and after. */
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  protected samples(labels: string): string[] {
    return [...this.values].map(([key, v]) => sample(this.name, joinLabels(labels, key), v));
  }
}

/**
 * Values read when scraped: one, or one per label set. `type` is `counter` for totals kept
 * elsewhere as plain numbers (the worker's engine counts on its hot path without a map lookup).
 */
export class Gauge extends Family {
  constructor(
    name: string,
    help: string,
    private readonly read: () => number | ReadonlyArray<readonly [Labels, number]>,
    type: 'gauge' | 'counter' = 'gauge',
  ) {
    super(name, help, type);
  }

  protected samples(labels: string): string[] {
    const values = this.read();
    if (typeof values === 'number') return [sample(this.name, labels, values)];
    return values.map(([own, v]) => sample(this.name, joinLabels(labels, labelText(own)), v));
  }
}

/** Fixed buckets; `observe` takes a count so a burst of tokens from one step is one call. */
export class Histogram extends Family {
  private readonly counts: number[];
  private sum = 0;
  private total = 0;

  constructor(name: string, help: string, private readonly buckets: readonly number[]) {
    super(name, help, 'histogram');
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  get count(): number {
    return this.total;
  }

  observe(value: number, times = 1): void {
    this.sum += value * times;
    this.total += times;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) {
        this.counts[i]! += times;
        return;
      }
    }
  }

  protected samples(labels: string): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i]!;
      lines.push(sample(`${this.name}_bucket`, joinLabels(labels, `le="${le}"`), cumulative));
    });
    lines.push(sample(`${this.name}_bucket`, joinLabels(labels, 'le="+Inf"'), this.total));
    lines.push(sample(`${this.name}_sum`, labels, this.sum), sample(`${this.name}_count`, labels, this.total));
    return lines;
  }
}

/** The whole exposition: every family's lines, each line ending with a line feed. */
export function renderMetrics(metrics: readonly Metric[], labels: Labels = {}): string {
  return `${metrics.flatMap((m) => m.render(labels)).join('\n')}\n`;
}
