// Workload-aware routing through the real frontend (the seed's five scenarios): order of
// completion under saturation, registry state from /debug/scheduler, and the
// [WA-ROUTING] log points of every request. Each scenario attaches results.json (each
// request's send and completion time) and, with E2E_PAUSE_ON_EXIT, keeps its stack up.

import { expect, test, type StartedStack } from 'servewright';
import { pauseIfAsked } from '../../fixtures/workload/pause-on-exit.ts';
import { nowMs } from '../../workloads/send/clock.ts';
import { describeStrategy } from '../../workloads/workload-aware/client.ts';
import { scenarioResult, type WaResults } from '../../workloads/workload-aware/results.ts';
import { attachScenarioMetrics, sampleOf } from './support/scenario-metrics.ts';
import { ONE_SLOT, completionOrder, debugScheduler, holdWorker, waitQueued } from './support/saturation.ts';
import { LIFECYCLE, waEventsByRequest, waLines } from './support/wa-log-points.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

interface WorkloadStats {
  criticality: number;
  active: number;
  queued: number;
  queuedAvgWaitMs: number;
  total: number;
  completed: number;
  failed: number;
  requestRate: number;
  lastScore: { normalizedCrit: number; normalizedWait: number; normalizedRate: number; score: number } | null;
}

async function workloads(stack: StartedStack): Promise<Record<string, WorkloadStats>> {
  return (await debugScheduler(stack)).scheduler.workloads as Record<string, WorkloadStats>;
}

function send(stack: StartedStack, id: string, context?: { workload_id: string; criticality: number } | string, maxTokens = 4) {
  const header: Record<string, string> =
    context === undefined ? {} : { 'x-workload-context': typeof context === 'string' ? context : JSON.stringify(context) };
  const sentAtMs = nowMs();
  const done = stack.client().completions({ prompt: `request ${id}`, max_tokens: maxTokens }, { headers: { 'x-request-id': id, ...header } });
  return { id, context: typeof context === 'object' ? context : undefined, sentAtMs, done };
}

type Pending = ReturnType<typeof send>;

/** Queues each request in turn behind the blocker (so arrival order is known), then frees the worker. */
async function queueThenRelease(stack: StartedStack, make: Array<() => Pending>): Promise<Pending[]> {
  const blocker = await holdWorker(stack.client());
  const pending: Pending[] = [];
  for (const start of make) {
    pending.push(start());
    await waitQueued(stack, pending.length);
  }
  blocker.release();
  return pending;
}

function expectLifecycle(stack: StartedStack, mark: number, ids: readonly string[], withContext: boolean): void {
  const events = waEventsByRequest(stack.frontend.proc.log, mark);
  const expected = withContext ? ['Workload context extracted', ...LIFECYCLE] : [...LIFECYCLE];
  for (const id of ids) expect(events.get(id), `[WA-ROUTING] log points of ${id}`).toEqual(expected);
}

async function scenario(
  stack: StartedStack,
  testInfo: Parameters<typeof attachScenarioMetrics>[0],
  name: string,
  pending: Pending[],
  started: number,
  expectedOrder: string[] | null = null,
) {
  const finished = await completionOrder(pending);
  const observed = finished.map((f) => {
    const p = pending.find((x) => x.id === f.id)!;
    return {
      id: f.id,
      ...(p.context && { workloadId: p.context.workload_id, criticality: p.context.criticality }),
      sentAtMs: p.sentAtMs,
      completedAtMs: performance.timeOrigin + f.completedAt,
      statusCode: f.result.status,
    };
  });
  const results: WaResults = {
    apiBase: stack.frontend.url,
    strategy: describeStrategy('queued', 0),
    scenarios: [scenarioResult(name, performance.timeOrigin + started, observed, expectedOrder)],
  };
  await testInfo.attach('results.json', { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
  await attachScenarioMetrics(testInfo, name, finished.map((f) => sampleOf(f.result)), {
    mode: 'workload-aware',
    totalDurationMs: performance.now() - started,
    extra: { completionOrder: finished.map((f) => f.id), workloads: await workloads(stack) },
  });
  await pauseIfAsked(testInfo, stack);
  return finished.map((f) => f.id);
}

test.describe('workload-aware routing', () => {
  test.use({ stackOptions: { frontend: { scheduler: 'workload-aware' }, workers: ONE_SLOT } });

  test('basic priority: high > medium > low, whatever the arrival order', tags, async ({ stack }, testInfo) => {
    const started = performance.now();
    const mark = stack.frontend.proc.log.mark();
    const pending = await queueThenRelease(stack, [
      () => send(stack, 'low', { workload_id: 'batch', criticality: 1 }),
      () => send(stack, 'medium', { workload_id: 'chat', criticality: 3 }),
      () => send(stack, 'high', { workload_id: 'fraud', criticality: 5 }),
    ]);
    const expected = ['high', 'medium', 'low'];
    expect(await scenario(stack, testInfo, 'WA basic priority', pending, started, expected)).toEqual(expected);
    const attached = JSON.parse(testInfo.attachments.find((a) => a.name === 'results.json')!.body!.toString()) as WaResults;
    const [result] = attached.scenarios;
    expect(result).toMatchObject({ scenario: 'WA basic priority', inExpectedOrder: true, allSucceeded: true, completionOrder: expected });
    // All three were sent (and queued) before the first one completed.
    expect(Math.max(...result!.requests.map((r) => r.sendMs))).toBeLessThan(Math.min(...result!.requests.map((r) => r.completeMs)));
    expect(result!.requests.find((r) => r.id === 'high')).toMatchObject({ workloadId: 'fraud', criticality: 5, statusCode: 200, completionIndex: 0 });
    const w = await workloads(stack);
    for (const [id, crit] of [['batch', 1], ['chat', 3], ['fraud', 5]] as const) {
      expect(w[id]).toMatchObject({ criticality: crit, active: 0, queued: 0, total: 1, completed: 1, failed: 0 });
      expect(w[id]!.lastScore!.normalizedCrit).toBe((crit - 1) / 4);
    }
    expectLifecycle(stack, mark, ['low', 'medium', 'high'], true);
  });

  test('wait-time boost: a low-criticality request that waited long overtakes a fresh medium one', tags, async ({ launchStack }, testInfo) => {
    const stack = await launchStack({
      // A wait weight above the criticality gap, so an old enough low request outranks a
      // medium one even if the medium one has waited a little by the time the slot frees.
      frontend: { scheduler: 'workload-aware', args: ['--scheduler-option', 'wait-norm-ms=1000', '--scheduler-option', 'weight-wait=0.6'] },
      workers: ONE_SLOT,
    });
    const started = performance.now();
    const mark = stack.frontend.proc.log.mark();
    const blocker = await holdWorker(stack.client());
    const old = send(stack, 'old-low', { workload_id: 'batch', criticality: 1 });
    await waitQueued(stack, 1);
    // The condition is the low request's age: read it from the scheduler, not from a sleep.
    await expect.poll(async () => (await workloads(stack))['batch']!.queuedAvgWaitMs, { timeout: 10_000 }).toBeGreaterThanOrEqual(1_000);
    const fresh = send(stack, 'fresh-medium', { workload_id: 'chat', criticality: 3 });
    await waitQueued(stack, 2);
    blocker.release();
    const expected = ['old-low', 'fresh-medium'];
    expect(await scenario(stack, testInfo, 'WA wait-time boost', [old, fresh], started, expected)).toEqual(expected);
    expect(waLines(stack.frontend.proc.log, mark, 'Priority score computed', 'old-low')[0]).toContain(' normalized_wait=1 ');
    expectLifecycle(stack, mark, ['old-low', 'fresh-medium'], true);
  });

  test('request-rate fairness: a low-rate workload goes before a busy one of equal criticality', tags, async ({ stack }, testInfo) => {
    const started = performance.now();
    const mark = stack.frontend.proc.log.mark();
    const busy = Array.from({ length: 5 }, (_, i) => () => send(stack, `busy-${i}`, { workload_id: 'busy', criticality: 3 }));
    const pending = await queueThenRelease(stack, [...busy, () => send(stack, 'quiet-0', { workload_id: 'quiet', criticality: 3 })]);
    const expected = ['quiet-0', 'busy-0', 'busy-1', 'busy-2', 'busy-3', 'busy-4'];
    const order = await scenario(stack, testInfo, 'WA request-rate fairness', pending, started, expected);
    expect(order).toEqual(expected);
    const w = await workloads(stack);
    expect(w['busy']!.requestRate).toBeGreaterThan(w['quiet']!.requestRate);
    expect(w['quiet']!.lastScore!.normalizedRate).toBeLessThan(1);
    expectLifecycle(stack, mark, order, true);
  });

  test('mixed stress: many workloads, every request completes, no errors', tags, async ({ launchStack }, testInfo) => {
    const stack = await launchStack({
      frontend: { scheduler: 'workload-aware' },
      workers: [{ maxNumSeqs: 2, speedup: 0 }, { maxNumSeqs: 2, speedup: 0 }],
    });
    const started = performance.now();
    const mark = stack.frontend.proc.log.mark();
    const WORKLOADS = 6;
    const PER_WORKLOAD = 8;
    const pending: Pending[] = [];
    for (let r = 0; r < PER_WORKLOAD; r++) {
      for (let w = 0; w < WORKLOADS; w++) {
        pending.push(send(stack, `w${w}-r${r}`, { workload_id: `tenant-${w}`, criticality: 1 + (w % 5) }, 8));
      }
    }
    const order = await scenario(stack, testInfo, 'WA mixed stress', pending, started);
    expect(order).toHaveLength(WORKLOADS * PER_WORKLOAD);
    const w = await workloads(stack);
    for (let i = 0; i < WORKLOADS; i++) {
      expect(w[`tenant-${i}`]).toMatchObject({ active: 0, queued: 0, total: PER_WORKLOAD, completed: PER_WORKLOAD, failed: 0 });
    }
    expect((await debugScheduler(stack)).queueDepth).toBe(0);
    expect(stack.frontend.proc.log.matchesSince(mark, /ERROR|request failed/)).toEqual([]);
    expectLifecycle(stack, mark, order, true);
  });

  test('default workload: missing or malformed context is served as "default" and logged once per reason', tags, async ({ stack }, testInfo) => {
    const started = performance.now();
    const mark = stack.frontend.proc.log.mark();
    const pending = [
      send(stack, 'no-header-1'),
      send(stack, 'no-header-2'),
      send(stack, 'bad-json-1', '{"workload_id":'),
      send(stack, 'bad-json-2', '{"workload_id":'),
      send(stack, 'bad-crit', { workload_id: 'x', criticality: 9 }),
    ];
    const order = await scenario(stack, testInfo, 'WA default workload', pending, started);
    expect(order).toHaveLength(5);
    expect(await workloads(stack)).toMatchObject({ default: { criticality: 3, total: 5, completed: 5, active: 0 } });
    const malformed = stack.frontend.proc.log.matchesSince(mark, /\[WA-ROUTING\] Malformed X-Workload-Context header.*reason=(.*)$/);
    expect(malformed.map((m) => m[1])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^"invalid JSON/), '"criticality: Too big: expected number to be <=5"']),
    );
    expect(malformed).toHaveLength(2);
    expectLifecycle(stack, mark, order, false);
  });
});
