// Engine statistics exposed at /metrics under vLLM's metric names, so specs and
// dashboards written for vLLM read the mock worker unchanged. The engine bumps plain
// numbers on its hot path; they are read when scraped.

import { Gauge, Histogram, renderMetrics, type Metric } from '../../../protocol/prometheus.ts';

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const E2E_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960];

export type FinishReason = 'length' | 'stop' | 'abort';

export interface EngineGauges {
  running: number;
  waiting: number;
  kvUsage: number;
}

export class EngineMetrics {
  prefixCacheQueries = 0;
  prefixCacheHits = 0;
  promptTokens = 0;
  generationTokens = 0;
  readonly success: Record<FinishReason, number> = { length: 0, stop: 0, abort: 0 };
  readonly ttft = new Histogram('vllm:time_to_first_token_seconds', 'Time to first token.', TTFT_BUCKETS);
  readonly itl = new Histogram('vllm:inter_token_latency_seconds', 'Inter-token latency.', ITL_BUCKETS);
  readonly e2e = new Histogram('vllm:e2e_request_latency_seconds', 'End-to-end request latency.', E2E_BUCKETS);
  private gauges: EngineGauges = { running: 0, waiting: 0, kvUsage: 0 };
  private readonly all: Metric[] = [
    new Gauge('vllm:num_requests_running', 'Requests in the running batch.', () => this.gauges.running),
    new Gauge('vllm:num_requests_waiting', 'Requests waiting to be scheduled.', () => this.gauges.waiting),
    new Gauge('vllm:gpu_cache_usage_perc', 'Fraction of KV blocks in use.', () => this.gauges.kvUsage),
    new Gauge('vllm:kv_cache_usage_perc', 'Fraction of KV blocks in use.', () => this.gauges.kvUsage),
    new Gauge('vllm:prefix_cache_queries_total', 'Prompt tokens looked up in the prefix cache.', () => this.prefixCacheQueries, 'counter'),
    new Gauge('vllm:prefix_cache_hits_total', 'Prompt tokens found in the prefix cache.', () => this.prefixCacheHits, 'counter'),
    new Gauge('vllm:prompt_tokens_total', 'Prefill tokens processed.', () => this.promptTokens, 'counter'),
    new Gauge('vllm:generation_tokens_total', 'Generation tokens processed.', () => this.generationTokens, 'counter'),
    new Gauge(
      'vllm:request_success_total',
      'Finished requests by finish reason.',
      () => (Object.keys(this.success) as FinishReason[]).map((r) => [{ finished_reason: r }, this.success[r]] as const),
      'counter',
    ),
    this.ttft,
    this.itl,
    this.e2e,
  ];

  render(model: string, gauges: EngineGauges): string {
    this.gauges = gauges;
    return renderMetrics(this.all, { model_name: model });
  }
}
