// A minimal Prometheus text-format registry: the frontend needs a handful of counters,
// gauges read at scrape time, and two latency histograms, nothing more.

type Labels = Readonly<Record<string, string>>;

const labelKey = (labels: Labels): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

const sample = (name: string, key: string, value: number): string => `${name}${key ? `{${key}}` : ''} ${value}`;

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();

  constructor(
    private readonly name: string,
    private readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, v] of this.values) lines.push(sample(this.name, key, v));
    return lines;
  }
}

export class Gauge implements Metric {
  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, sample(this.name, '', this.read())];
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(sample(`${this.name}_bucket`, `le="${b}"`, this.counts[i]!)));
    lines.push(sample(`${this.name}_bucket`, 'le="+Inf"', this.count));
    lines.push(sample(`${this.name}_sum`, '', this.sum), sample(`${this.name}_count`, '', this.count));
    return lines;
  }
}

const LATENCY_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

// Dashboards built for Dynamo read its names; `--metrics-naming dynamo` serves those.
// Dynamo's frontend has no load-balancer counter; routerDecisions follows its naming rules
// (`dynamo_frontend_` prefix, `_total` for counters:
// lib/runtime/src/metrics/prometheus_names.rs@4415465e3e0d30b12163c3c3f15d49ed78b300a8).
export const METRICS_NAMINGS = ['servewright', 'dynamo'] as const;
export type MetricsNaming = (typeof METRICS_NAMINGS)[number];

const NAMES: Record<MetricsNaming, Record<'requests' | 'migrations' | 'cancellations' | 'workerRequests' | 'routerDecisions' | 'ttft' | 'duration' | 'inflight' | 'queueDepth' | 'workers', string>> = {
  servewright: {
    requests: 'servewright_frontend_requests_total',
    migrations: 'servewright_frontend_migration_total',
    cancellations: 'servewright_frontend_cancellation_total',
    workerRequests: 'servewright_frontend_worker_requests_total',
    routerDecisions: 'servewright_frontend_router_decisions_total',
    ttft: 'servewright_frontend_time_to_first_token_seconds',
    duration: 'servewright_frontend_request_duration_seconds',
    inflight: 'servewright_frontend_inflight_requests',
    queueDepth: 'servewright_frontend_queue_depth',
    workers: 'servewright_frontend_workers',
  },
  dynamo: {
    requests: 'dynamo_frontend_requests_total',
    migrations: 'dynamo_frontend_model_migration_total',
    cancellations: 'dynamo_frontend_model_cancellation_total',
    workerRequests: 'dynamo_frontend_worker_requests_total',
    routerDecisions: 'dynamo_frontend_router_decisions_total',
    ttft: 'dynamo_frontend_time_to_first_token_seconds',
    duration: 'dynamo_frontend_request_duration_seconds',
    inflight: 'dynamo_frontend_inflight_requests',
    queueDepth: 'dynamo_frontend_queued_requests',
    workers: 'dynamo_frontend_workers',
  },
};

export class FrontendMetrics {
  readonly requests: Counter;
  readonly migrations: Counter;
  readonly cancellations: Counter;
  readonly workerRequests: Counter;
  /** Load-balancer statistics: placements by router mode and kind of decision (locality hits among them). */
  readonly routerDecisions: Counter;
  readonly ttft: Histogram;
  readonly duration: Histogram;
  private readonly all: Metric[];

  constructor(naming: MetricsNaming, gauges: { inflight: () => number; queueDepth: () => number; workers: () => number }) {
    const names = NAMES[naming];
    this.requests = new Counter(names.requests, 'HTTP generation requests by model and outcome');
    this.migrations = new Counter(names.migrations, 'Requests re-issued to another worker');
    this.cancellations = new Counter(names.cancellations, 'Requests cancelled by their client');
    this.workerRequests = new Counter(names.workerRequests, 'Dispatches per worker');
    this.routerDecisions = new Counter(names.routerDecisions, 'Placements by router mode and decision');
    this.ttft = new Histogram(names.ttft, 'Arrival to first token', LATENCY_BUCKETS_S);
    this.duration = new Histogram(names.duration, 'Arrival to last byte', LATENCY_BUCKETS_S);
    this.all = [
      this.requests,
      new Gauge(names.inflight, 'Requests dispatched to a worker and not finished', gauges.inflight),
      new Gauge(names.queueDepth, 'Requests waiting in the frontend for a worker', gauges.queueDepth),
      new Gauge(names.workers, 'Workers discovered', gauges.workers),
      this.migrations,
      this.cancellations,
      this.workerRequests,
      this.routerDecisions,
      this.ttft,
      this.duration,
    ];
    // Zero-valued series exist from the start so specs can diff before/after.
    this.migrations.inc({ migration_type: 'ongoing_request' }, 0);
    this.migrations.inc({ migration_type: 'new_request' }, 0);
    this.cancellations.inc({}, 0);
  }

  render(): string {
    return this.all.flatMap((m) => m.render()).join('\n') + '\n';
  }
}
