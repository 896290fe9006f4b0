// The `scenario-metrics` attachment (shape in docs/architecture.md, schema in
// protocol/attachments/scenario-metrics.ts) from what a scenario observed per request, so the
// reporters can aggregate scheduling scenarios.

import type { TestInfo } from '@playwright/test';
import type { CompletionResponse } from 'servewright';
import { attachJson } from '../../../protocol/attachments/json-attachment.ts';
import { SCENARIO_METRICS, type RequestLine, type ScenarioMetrics, type SystemStatistics } from '../../../protocol/attachments/scenario-metrics.ts';
import { requestReport, requestReportName } from './request-report.ts';

/** What the frontend's scheduler recorded for a request (its /debug/scheduler ledger). */
export interface SchedulingRecord {
  priority: number | null;
  serviceTimeMs: number | null;
  waitingTimeMs: number | null;
  threadId: string | null;
}

export interface RequestSample {
  /** The x-request-id the spec sent, when it sent one. */
  requestId?: string;
  latencyMs: number;
  tokens: number;
  workerId: string;
  promptTokens: number;
  cachedTokens: number;
  scheduling?: SchedulingRecord;
}

/** A response's sample; a response that names no engine is an error, never an `unknown` engine. */
export function sampleOf(res: CompletionResponse, requestId?: string): RequestSample {
  const usage = res.body.usage as
    | { completion_tokens?: number; prompt_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } }
    | undefined;
  if (res.workerId === undefined) {
    throw new Error(
      `response ${requestId ?? String(res.body.id)} names no engine: neither nvext.worker_id nor the x-servewright-worker-id header`,
    );
  }
  return {
    ...(requestId === undefined ? {} : { requestId }),
    latencyMs: res.durationMs,
    tokens: usage?.completion_tokens ?? 0,
    workerId: res.workerId,
    promptTokens: usage?.prompt_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

export function engineDistribution(samples: readonly RequestSample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) counts[s.workerId] = (counts[s.workerId] ?? 0) + 1;
  return counts;
}

/** Requests that reused cached prefix blocks, over all requests (the seed's locality hit rate). */
export function cacheStats(samples: readonly RequestSample[]): { hits: number; lookups: number; hitRate: number } {
  const hits = samples.filter((s) => s.cachedTokens > 0).length;
  return { hits, lookups: samples.length, hitRate: samples.length === 0 ? 0 : hits / samples.length };
}

/** Per-request lines, present only when every sample carries the scheduler's record. */
function perRequest(samples: readonly RequestSample[]): RequestLine[] | undefined {
  if (samples.length === 0 || !samples.every((s) => s.scheduling && s.requestId)) return undefined;
  return samples.map((s) => ({
    requestId: s.requestId!,
    latencyMs: s.latencyMs,
    tokens: s.tokens,
    engine: s.workerId,
    priority: s.scheduling!.priority,
    serviceTimeMs: s.scheduling!.serviceTimeMs,
    waitingTimeMs: s.scheduling!.waitingTimeMs,
    threadId: s.scheduling!.threadId,
  }));
}

export interface ScenarioExtras {
  mode?: string;
  totalDurationMs: number;
  cache?: { hits: number; lookups: number; hitRate: number };
  serviceTimeMs?: number;
  session?: { totalCalls: number; activeThreads: number };
  system?: SystemStatistics;
  extra?: Record<string, unknown>;
}

export function scenarioMetrics(scenario: string, samples: readonly RequestSample[], extras: ScenarioExtras): ScenarioMetrics {
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0;
  const lines = perRequest(samples);
  return {
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
    ...(lines === undefined ? {} : { perRequest: lines }),
    ...(extras.session === undefined ? {} : { session: extras.session }),
    ...(extras.system === undefined ? {} : { system: extras.system }),
    ...(extras.extra === undefined ? {} : { extra: extras.extra }),
  };
}

export async function attachScenarioMetrics(
  testInfo: TestInfo,
  scenario: string,
  samples: readonly RequestSample[],
  extras: ScenarioExtras,
): Promise<ScenarioMetrics> {
  const metrics = scenarioMetrics(scenario, samples, extras);
  await attachJson(testInfo, SCENARIO_METRICS, metrics);
  if (metrics.perRequest) await testInfo.attach(requestReportName(metrics), { body: requestReport(metrics), contentType: 'text/plain' });
  return metrics;
}
