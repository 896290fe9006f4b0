// The frontend's metrics, under servewright's names or Dynamo's (text format: protocol/prometheus.ts).

import { Counter, Gauge, Histogram, renderMetrics, type Metric } from '../../protocol/prometheus.ts';

const LATENCY_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

// Dashboards built for Dynamo read its names; `--metrics-naming dynamo` serves those.
// Dynamo's frontend has no load-balancer counter; routerDecisions follows its naming rules
// (`dynamo_frontend_` prefix, `_total` for counters:
// lib/runtime/src/metrics/prometheus_names.rs@4415465e3e0d30b12163c3c3f15d49ed78b300a8).
export const METRICS_NAMINGS = ['servewright', 'dynamo'] as const;
export type MetricsNaming = (typeof METRICS_NAMINGS)[number];

const NAMES: Record<MetricsNaming, Record<'requests' | 'migrations' | 'cancellations' | 'decodeOnlyFallbacks' | 'workerRequests' | 'routerDecisions' | 'ttft' | 'duration' | 'inflight' | 'queueDepth' | 'workers', string>> = {
  servewright: {
    requests: 'servewright_frontend_requests_total',
    migrations: 'servewright_frontend_migration_total',
    cancellations: 'servewright_frontend_cancellation_total',
    decodeOnlyFallbacks: 'servewright_frontend_decode_only_fallback_total',
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
    // ai-dynamo/dynamo tests/fault_tolerance/decode_fallback/utils.py@29e9497, label model.
    decodeOnlyFallbacks: 'dynamo_frontend_model_decode_only_fallback_total',
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
  /** Requests of a disaggregated model served by a decode worker alone because no prefill worker could take them. */
  readonly decodeOnlyFallbacks: Counter;
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
    this.decodeOnlyFallbacks = new Counter(names.decodeOnlyFallbacks, 'Requests served decode-only because remote prefill was unavailable');
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
      this.decodeOnlyFallbacks,
      this.workerRequests,
      this.routerDecisions,
      this.ttft,
      this.duration,
    ];
    // Zero-valued series exist from the start so specs can diff before/after. Cancellations
    // and decode-only fallbacks carry the request's own labels and appear at their first count.
    this.migrations.inc({ migration_type: 'ongoing_request' }, 0);
    this.migrations.inc({ migration_type: 'new_request' }, 0);
  }

  render(): string {
    return renderMetrics(this.all);
  }
}
