// Engine statistics exposed at /metrics under vLLM's metric names, so specs and
// dashboards written for vLLM read the mock worker unchanged.

import { Histogram } from './histogram.ts';

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
  readonly ttft = new Histogram(TTFT_BUCKETS);
  readonly itl = new Histogram(ITL_BUCKETS);
  readonly e2e = new Histogram(E2E_BUCKETS);

  render(model: string, gauges: EngineGauges): string {
    const l = `model_name=${JSON.stringify(model)}`;
    const metric = (name: string, type: string, help: string, body: string): string =>
      `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${body}\n`;
    const sample = (name: string, value: number): string => `${name}{${l}} ${value}`;
    const successLines = (Object.keys(this.success) as FinishReason[])
      .map((r) => `vllm:request_success_total{${l},finished_reason="${r}"} ${this.success[r]}`)
      .join('\n');
    return [
      metric('vllm:num_requests_running', 'gauge', 'Requests in the running batch.', sample('vllm:num_requests_running', gauges.running)),
      metric('vllm:num_requests_waiting', 'gauge', 'Requests waiting to be scheduled.', sample('vllm:num_requests_waiting', gauges.waiting)),
      metric('vllm:gpu_cache_usage_perc', 'gauge', 'Fraction of KV blocks in use.', sample('vllm:gpu_cache_usage_perc', gauges.kvUsage)),
      metric('vllm:kv_cache_usage_perc', 'gauge', 'Fraction of KV blocks in use.', sample('vllm:kv_cache_usage_perc', gauges.kvUsage)),
      metric('vllm:prefix_cache_queries_total', 'counter', 'Prompt tokens looked up in the prefix cache.', sample('vllm:prefix_cache_queries_total', this.prefixCacheQueries)),
      metric('vllm:prefix_cache_hits_total', 'counter', 'Prompt tokens found in the prefix cache.', sample('vllm:prefix_cache_hits_total', this.prefixCacheHits)),
      metric('vllm:prompt_tokens_total', 'counter', 'Prefill tokens processed.', sample('vllm:prompt_tokens_total', this.promptTokens)),
      metric('vllm:generation_tokens_total', 'counter', 'Generation tokens processed.', sample('vllm:generation_tokens_total', this.generationTokens)),
      metric('vllm:request_success_total', 'counter', 'Finished requests by finish reason.', successLines),
      metric('vllm:time_to_first_token_seconds', 'histogram', 'Time to first token.', this.ttft.render('vllm:time_to_first_token_seconds', l)),
      metric('vllm:inter_token_latency_seconds', 'histogram', 'Inter-token latency.', this.itl.render('vllm:inter_token_latency_seconds', l)),
      metric('vllm:e2e_request_latency_seconds', 'histogram', 'End-to-end request latency.', this.e2e.render('vllm:e2e_request_latency_seconds', l)),
    ].join('');
  }
}
