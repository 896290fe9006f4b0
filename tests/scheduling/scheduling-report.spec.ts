// The scheduling sections of the Markdown summary from known scenario-metrics: like-with-like
// mode comparison, session statistics, system statistics, the per-request text report, and
// the attachment contract for the fields the Autellix scenarios add.

import { expect, test } from '@playwright/test';
import { scenarioMetricsSchema, type ScenarioMetrics } from '../../reporters/markdown/attachments.ts';
import { renderDocument } from '../../reporters/markdown/document.ts';
import type { RunRecord, TestRecord } from '../../reporters/markdown/model.ts';
import { renderSchedulingComparison } from '../../reporters/markdown/scheduling.ts';
import { renderSessionStatistics } from '../../reporters/markdown/session-statistics.ts';
import { renderSystemStatistics } from '../../reporters/markdown/system-statistics.ts';
import { requestReport } from './support/request-report.ts';
import { sampleOf, scenarioMetrics, type RequestSample } from './support/scenario-metrics.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

function metrics(scenario: string, mode: string, fields: Partial<ScenarioMetrics> = {}): ScenarioMetrics {
  return {
    scenario,
    mode,
    totalDurationMs: 1000,
    requests: 4,
    latencyMs: { min: 100, avg: 200, max: 300, p95: 290 },
    tokens: 40,
    engineDistribution: { e0: 4 },
    ...fields,
  };
}

const system = (decisions: number): NonNullable<ScenarioMetrics['system']> => ({
  frontend: { requests: decisions, inflight: 0 },
  scheduler: { dispatched: decisions, priority_0: decisions - 1, priority_2: 1 },
  loadBalancer: { decisions, locality_hit: decisions - 1 },
  engines: { e1: { completed: 1, meanLatencyMs: 12.345 }, e0: { completed: decisions - 1, meanLatencyMs: 10 } },
});

test.describe('scheduling report sections', () => {
  test('modes are compared only within a scenario that ran under several of them', tags, () => {
    const md = renderSchedulingComparison([
      metrics('agents', 'PLAS', { latencyMs: { min: 100, avg: 300, max: 500, p95: 450 } }),
      metrics('agents', 'ATLAS', { latencyMs: { min: 100, avg: 150, max: 200, p95: 190 } }),
      metrics('chatbot', 'FCFS', { latencyMs: { min: 1, avg: 1, max: 1, p95: 1 } }),
    ])!;
    expect(md).toContain('### agents');
    expect(md).toContain('| PLAS | 1 | 4 | 300.0 ms | 450.0 ms | 500.0 ms | 40 | 40.0 | 2.00× |');
    expect(md).toContain('| ATLAS | 1 | 4 | 150.0 ms | 190.0 ms | 200.0 ms | 40 | 40.0 | 1.00× |');
    expect(md).not.toContain('chatbot');
    expect(md).not.toContain('did not run the same workload');
    expect(renderSchedulingComparison([metrics('a', 'PLAS'), metrics('b', 'ATLAS')])).toBeUndefined();
  });

  test('a comparison of different workloads says so', tags, () => {
    const md = renderSchedulingComparison([metrics('agents', 'PLAS'), metrics('agents', 'ATLAS', { requests: 5 })])!;
    expect(md).toContain('did not run the same workload here');
  });

  test('session statistics render total calls and active threads per scenario', tags, () => {
    const md = renderSessionStatistics([
      metrics('research', 'ATLAS', { serviceTimeMs: 2310, session: { totalCalls: 7, activeThreads: 6 } }),
      metrics('research', 'ATLAS', { serviceTimeMs: 1000, session: { totalCalls: 7, activeThreads: 7 } }),
      metrics('balancing', 'PLAS'),
    ])!;
    expect(md).toContain('| Scenario | Mode | Runs | Service time | Total calls | Active threads |');
    expect(md).toContain('| research | ATLAS | 2 | 3.31 s | 14 | 7 |');
    expect(md).not.toContain('balancing');
    expect(renderSessionStatistics([metrics('balancing', 'PLAS')])).toBeUndefined();
  });

  test('system statistics render frontend, scheduler, load-balancer and engine counters per run', tags, () => {
    const md = renderSystemStatistics([metrics('chat', 'PLAS', { system: system(5) }), metrics('chat', 'PLAS', { system: system(3) }), metrics('x', 'PLAS')])!;
    expect(md).toContain('## System statistics');
    expect(md).toContain('### Frontend\n\n| Scenario | requests | inflight |\n| --- | --- | --- |\n| chat (PLAS) | 5 | 0 |\n| chat (PLAS) #2 | 3 | 0 |');
    expect(md).toContain('| Scenario | dispatched | priority_0 | priority_2 |');
    expect(md).toContain('### Load balancer\n\n| Scenario | decisions | locality_hit |');
    expect(md).toContain('### Engines\n\n| Scenario | Engine | completed | meanLatencyMs |\n| --- | --- | --- | --- |\n| chat (PLAS) | e0 | 4 | 10 |\n| chat (PLAS) | e1 | 1 | 12.3 |');
    expect(renderSystemStatistics([metrics('x', 'PLAS')])).toBeUndefined();
  });

  test('the summary document carries the new sections', tags, () => {
    const record = (m: ScenarioMetrics): TestRecord => ({
      title: m.scenario, describes: [], file: 'scheduling/a.spec.ts', line: 1, folder: 'scheduling', tags: ['@e2e'], outcome: 'passed',
      durationMs: 1, retries: 0, errors: [], logTails: [], attachmentNames: [], scenarioMetrics: [m], genieResults: [], attachmentProblems: [],
    });
    const run: RunRecord = {
      startedAt: '2026-12-04T00:00:00Z', durationMs: 1, status: 'passed', shard: null, globalErrors: [],
      environment: { stack: 'reference', servicesFallback: 'local', machine: 'm', node: 'v20' },
      tests: [
        record(metrics('agents', 'PLAS', { session: { totalCalls: 4, activeThreads: 2 }, system: system(4) })),
        record(metrics('agents', 'ATLAS', { session: { totalCalls: 4, activeThreads: 2 }, system: system(4) })),
      ],
    };
    const doc = renderDocument(run);
    for (const heading of ['### Session statistics', '## Scheduling mode comparison', '## System statistics']) expect(doc).toContain(heading);
  });
});

test.describe('per-request report', () => {
  const sample = (requestId: string, priority: number | null): RequestSample => ({
    requestId,
    latencyMs: 523,
    tokens: 98,
    workerId: 'engine_0',
    promptTokens: 5,
    cachedTokens: 0,
    scheduling: { priority, serviceTimeMs: 500, waitingTimeMs: 1, threadId: 'main' },
  });

  test('prints the seed\'s line per request, then duration and average', tags, () => {
    const m = scenarioMetrics('Chatbot', [sample('c-0', 1), sample('c-1', null)], { mode: 'PLAS', totalDurationMs: 5230 });
    expect(requestReport(m)).toBe(
      [
        'SCENARIO: Chatbot (PLAS)',
        'Request 1/2: latency=0.523s, tokens=98, engine=engine_0, priority=1, service=0.500s, waiting=0.001s, thread=main, id=c-0',
        'Request 2/2: latency=0.523s, tokens=98, engine=engine_0, priority=–, service=0.500s, waiting=0.001s, thread=main, id=c-1',
        'Scenario completed in 5.230s',
        'Average latency: 0.523s',
        '',
      ].join('\n'),
    );
  });

  test('per-request lines go into scenario-metrics only when every sample has the scheduler\'s record', tags, () => {
    const bare: RequestSample = { latencyMs: 1, tokens: 1, workerId: 'e0', promptTokens: 1, cachedTokens: 0 };
    expect(scenarioMetrics('s', [sample('a', 0), bare], { totalDurationMs: 1 }).perRequest).toBeUndefined();
    const full = scenarioMetrics('s', [sample('a', 0)], { totalDurationMs: 1, session: { totalCalls: 1, activeThreads: 1 }, system: system(1) });
    expect(scenarioMetricsSchema.parse(JSON.parse(JSON.stringify(full)))).toEqual(full);
    expect(full.perRequest).toEqual([
      { requestId: 'a', latencyMs: 523, tokens: 98, engine: 'engine_0', priority: 0, serviceTimeMs: 500, waitingTimeMs: 1, threadId: 'main' },
    ]);
  });

  test('a response that names no engine is an error, not an "unknown" engine', tags, () => {
    const body = { id: 'cmpl-x', usage: { completion_tokens: 3, prompt_tokens: 2, prompt_tokens_details: { cached_tokens: 0 } } };
    const response = { status: 200, headers: {}, body, text: 'abc', durationMs: 5 };
    expect(() => sampleOf({ ...response, workerId: undefined }, 'req-7')).toThrow(
      'response req-7 names no engine: neither nvext.worker_id nor the x-servewright-worker-id header',
    );
    expect(sampleOf({ ...response, workerId: 'w0' }, 'req-7')).toEqual({ requestId: 'req-7', latencyMs: 5, tokens: 3, workerId: 'w0', promptTokens: 2, cachedTokens: 0 });
  });

  test('the contract names a bad per-request field', tags, () => {
    const bad = { ...metrics('s', 'PLAS'), perRequest: [{ requestId: 'a', latencyMs: 1, tokens: 1, engine: '', priority: -1, serviceTimeMs: null, waitingTimeMs: null, threadId: null }] };
    const result = scenarioMetricsSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['perRequest.0.engine', 'perRequest.0.priority']);
  });
});
