// The seed's "system statistics" when a scenario ends: frontend, scheduler, load balancer
// and engine counters, read from the frontend's /metrics and /debug/scheduler and each
// engine's /metrics. A counter that is not exposed is an error, never a zero.

import type { Metrics, StartedStack } from 'servewright';
import type { SystemStatistics } from '../../../reporters/markdown/attachments.ts';
import type { RequestRecord } from '../../../stack/frontend/scheduler/request-ledger.ts';
import { debugScheduler } from './saturation.ts';

// The reference frontend's names with its default `--metrics-naming servewright` (stack/frontend/metrics.ts).
const FRONTEND_REQUESTS = 'servewright_frontend_requests_total';
const FRONTEND_INFLIGHT = 'servewright_frontend_inflight_requests';
export const ROUTER_DECISIONS = 'servewright_frontend_router_decisions_total';

// vLLM's engine counters: vllm/v1/metrics/loggers.py@a6f0308cfe806b7731ad4979c9bea6e470c35efd.
const ENGINE_SUCCESS = 'vllm:request_success_total';
const ENGINE_PROMPT_TOKENS = 'vllm:prompt_tokens_total';
const ENGINE_GENERATION_TOKENS = 'vllm:generation_tokens_total';
const ENGINE_E2E_LATENCY = 'vllm:e2e_request_latency_seconds';

function exposed(metrics: Metrics, name: string, where: string): Metrics {
  if (!metrics.has(name) && !metrics.has(`${name}_count`)) throw new Error(`${where} does not expose ${name}`);
  return metrics;
}

interface ProgramSnapshot {
  completedCalls: number;
  queued: number;
  running: number;
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new Error(`/debug/scheduler has no numeric "${field}" (got ${JSON.stringify(value)})`);
  return value;
}

export async function systemStatistics(stack: StartedStack): Promise<SystemStatistics> {
  const [{ frontend, workers }, debug] = await Promise.all([stack.metrics(), debugScheduler(stack)]);
  const { scheduler } = debug;
  const programs = Object.values((scheduler.programs ?? {}) as Record<string, ProgramSnapshot>);
  const byPriority: Record<string, number> = {};
  for (const r of (scheduler.requests ?? []) as RequestRecord[]) {
    const key = `priority_${r.priority ?? 'none'}`;
    byPriority[key] = (byPriority[key] ?? 0) + 1;
  }
  exposed(frontend, ROUTER_DECISIONS, 'the frontend');
  const decisions: Record<string, number> = {};
  for (const s of frontend.select(ROUTER_DECISIONS)) decisions[s.labels['decision']!] = (decisions[s.labels['decision']!] ?? 0) + s.value;
  const engines: SystemStatistics['engines'] = {};
  for (const [id, m] of Object.entries(workers)) {
    for (const name of [ENGINE_SUCCESS, ENGINE_PROMPT_TOKENS, ENGINE_GENERATION_TOKENS, ENGINE_E2E_LATENCY]) exposed(m, name, `engine ${id}`);
    const latency = m.histogram(ENGINE_E2E_LATENCY);
    engines[id] = {
      completed: m.sum(ENGINE_SUCCESS),
      promptTokens: m.sum(ENGINE_PROMPT_TOKENS),
      generationTokens: m.sum(ENGINE_GENERATION_TOKENS),
      meanLatencyMs: latency.mean * 1000,
    };
  }
  return {
    frontend: {
      requests: exposed(frontend, FRONTEND_REQUESTS, 'the frontend').sum(FRONTEND_REQUESTS),
      succeeded: frontend.sum(FRONTEND_REQUESTS, { status: 'success' }),
      inflight: exposed(frontend, FRONTEND_INFLIGHT, 'the frontend').value(FRONTEND_INFLIGHT),
      queued: debug.queueDepth,
      programs: programs.length,
      activeCalls: programs.reduce((sum, p) => sum + p.queued + p.running, 0),
      completedCalls: programs.reduce((sum, p) => sum + p.completedCalls, 0),
    },
    scheduler: {
      dispatched: count(scheduler.dispatched, 'dispatched'),
      completed: count(scheduler.completed, 'completed'),
      demotions: count(scheduler.demotions, 'demotions'),
      promotions: count(scheduler.promotions, 'promotions'),
      endedSessions: count(scheduler.evictedPrograms, 'evictedPrograms') + count(scheduler.expiredPrograms, 'expiredPrograms'),
      ...byPriority,
    },
    loadBalancer: { decisions: Object.values(decisions).reduce((a, b) => a + b, 0), ...decisions },
    engines,
  };
}
