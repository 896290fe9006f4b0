// The `scenario-metrics` attachment (shape in docs/architecture.md) from what a scenario
// observed per request, so the reporters can aggregate scheduling scenarios.

import type { TestInfo } from '@playwright/test';
import type { CompletionResponse } from '../../../fixtures/index.ts';

export interface RequestSample {
  latencyMs: number;
  tokens: number;
  workerId: string | undefined;
  promptTokens?: number;
  cachedTokens?: number;
}

export function sampleOf(res: CompletionResponse): RequestSample {
  const usage = res.body.usage as
    | { completion_tokens?: number; prompt_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } }
    | undefined;
  return {
    latencyMs: res.durationMs,
    tokens: usage?.completion_tokens ?? 0,
    workerId: res.workerId,
    promptTokens: usage?.prompt_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

export function engineDistribution(samples: readonly RequestSample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) {
    const id = s.workerId ?? 'unknown';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/** Requests that reused cached prefix blocks, over all requests (the seed's locality hit rate). */
export function cacheStats(samples: readonly RequestSample[]): { hits: number; lookups: number; hitRate: number } {
  const hits = samples.filter((s) => (s.cachedTokens ?? 0) > 0).length;
  return { hits, lookups: samples.length, hitRate: samples.length === 0 ? 0 : hits / samples.length };
}

export interface ScenarioExtras {
  mode?: string;
  totalDurationMs: number;
  cache?: { hits: number; lookups: number; hitRate: number };
  serviceTimeMs?: number;
  extra?: Record<string, unknown>;
}

export async function attachScenarioMetrics(
  testInfo: TestInfo,
  scenario: string,
  samples: readonly RequestSample[],
  extras: ScenarioExtras,
): Promise<void> {
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0;
  const metrics = {
    scenario,
    ...(extras.mode === undefined ? {} : { mode: extras.mode }),
    totalDurationMs: extras.totalDurationMs,
    requests: samples.length,
    latencyMs: {
      min: latencies[0] ?? 0,
      avg: latencies.length === 0 ? 0 : latencies.reduce((a, b) => a + b, 0) / latencies.length,
      max: latencies.at(-1) ?? 0,
      p95: at(0.95),
    },
    tokens: samples.reduce((sum, s) => sum + s.tokens, 0),
    engineDistribution: engineDistribution(samples),
    ...(extras.cache === undefined ? {} : { cache: extras.cache }),
    ...(extras.serviceTimeMs === undefined ? {} : { serviceTimeMs: extras.serviceTimeMs }),
    ...(extras.extra === undefined ? {} : { extra: extras.extra }),
  };
  await testInfo.attach('scenario-metrics', { body: JSON.stringify(metrics, null, 2), contentType: 'application/json' });
}
