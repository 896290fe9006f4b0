// Policy correctness through the real frontend: one worker with max-num-seqs 1 makes
// dispatch order equal completion order, so the order responses come back in is the
// order the policy chose.

import { expect, phase, test, type StartedStack } from 'servewright';
import { attachScenarioMetrics, sampleOf } from './support/scenario-metrics.ts';
import { withScheduling } from './support/scheduler-ledger.ts';
import { ONE_SLOT, completionOrder, debugScheduler, holdWorker, stopStack, waitQueued } from './support/saturation.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

function call(stack: StartedStack, id: string, programId: string, maxTokens: number, thread: Record<string, string> = {}) {
  const done = stack.client().completions(
    { prompt: `${programId} asks something`, max_tokens: maxTokens },
    { headers: { 'x-request-id': id, 'x-program-id': programId, ...thread } },
  );
  return { id, done };
}

test('PLAS serves a short program before a long program that queued first; FCFS does not', tags, async ({ launchStack }, testInfo) => {
  const orders: Record<string, string[]> = {};
  for (const policy of ['fcfs', 'plas']) {
    const started = performance.now();
    const stack = await launchStack({
      frontend: { scheduler: policy, args: policy === 'plas' ? ['--scheduler-option', 'quantum-ms=5'] : [] },
      workers: ONE_SLOT,
    });
    const finished = await phase('traffic', async () => {
      // The long program has been running for a while when its next call and a new short program's call arrive.
      const blocker = await holdWorker(stack.client(), { 'x-program-id': 'long' });
      const long2 = call(stack, 'long-2', 'long', 4);
      await waitQueued(stack, 1);
      const short1 = call(stack, 'short-1', 'short', 4);
      await waitQueued(stack, 2);
      blocker.release();
      return completionOrder([long2, short1]);
    });
    orders[policy] = finished.map((f) => f.id);
    await attachScenarioMetrics(testInfo, 'Autellix example: short program behind a long one', finished.map((f) => sampleOf(f.result)), {
      mode: policy.toUpperCase(),
      totalDurationMs: performance.now() - started,
      extra: { completionOrder: orders[policy] },
    });
    if (policy === 'plas') {
      await phase('assertions', async () => {
        const { scheduler } = await debugScheduler(stack);
        const programs = scheduler.programs as Record<string, { serviceMs: number; completedCalls: number }>;
        expect(programs['long']!.completedCalls).toBe(2);
        expect(programs['short']!.completedCalls).toBe(1);
        expect(programs['long']!.serviceMs).toBeGreaterThan(programs['short']!.serviceMs);
      });
    }
    await stopStack(stack);
  }
  expect(orders).toEqual({ fcfs: ['long-2', 'short-1'], plas: ['short-1', 'long-2'] });
});

test('anti-starvation bounds the wait of a long program behind a stream of short ones', tags, async ({ launchStack }, testInfo) => {
  const SHORTS = 6;
  const positions: Record<string, number> = {};
  for (const beta of [0, 1]) {
    const started = performance.now();
    const stack = await launchStack({
      frontend: { scheduler: 'plas', args: ['--scheduler-option', 'quantum-ms=5', '--scheduler-option', `starvation-beta=${beta}`] },
      workers: ONE_SLOT,
    });
    const blocker = await holdWorker(stack.client(), { 'x-program-id': 'long' });
    const long2 = call(stack, 'long-2', 'long', 4);
    await waitQueued(stack, 1);
    const shorts = Array.from({ length: SHORTS }, (_, i) => call(stack, `short-${i}`, `short-${i}`, 20));
    await waitQueued(stack, SHORTS + 1);
    blocker.release();
    const finished = await completionOrder([long2, ...shorts]);
    const order = finished.map((f) => f.id);
    positions[`beta=${beta}`] = order.indexOf('long-2');
    const { scheduler } = await debugScheduler(stack);
    expect(scheduler.promotions).toBe(beta === 0 ? 0 : 1);
    await attachScenarioMetrics(testInfo, 'Anti-starvation', finished.map((f) => sampleOf(f.result)), {
      mode: `PLAS beta=${beta}`,
      totalDurationMs: performance.now() - started,
      extra: { completionOrder: order, promotions: scheduler.promotions },
    });
    await stopStack(stack);
  }
  // Without anti-starvation the long program waits for every short one; with beta = 1 it
  // is promoted once it has waited as long as it was served, well before the stream ends.
  expect(positions['beta=0']).toBe(SHORTS);
  expect(positions['beta=1']).toBeLessThan(SHORTS - 1);
});

test('ATLAS serves the thread furthest behind on its critical path first; PLAS keeps arrival order within the program', tags, async ({ launchStack }, testInfo) => {
  const orders: Record<string, string[]> = {};
  const levels: Record<string, Record<string, number | null>> = {};
  for (const policy of ['plas', 'atlas']) {
    const started = performance.now();
    const stack = await launchStack({ frontend: { scheduler: policy, args: ['--scheduler-option', 'quantum-ms=5'] }, workers: ONE_SLOT });
    // The agent's "long" thread is being served, so its critical path grows past the quantum
    // while the next calls queue: more of "long", a child of "long", and a fresh thread.
    const blocker = await holdWorker(stack.client(), { 'x-program-id': 'agent', 'x-thread-id': 'long' });
    const arrivals: [string, Record<string, string>][] = [
      ['long-2', { 'x-thread-id': 'long' }],
      ['child-1', { 'x-thread-id': 'child', 'x-parent-thread-ids': 'long' }],
      ['fresh-1', { 'x-thread-id': 'fresh' }],
    ];
    const pending: ReturnType<typeof call>[] = [];
    for (const [id, thread] of arrivals) {
      pending.push(call(stack, id, 'agent', 4, thread));
      await waitQueued(stack, pending.length);
    }
    blocker.release();
    const finished = await completionOrder(pending);
    orders[policy] = finished.map((f) => f.id);
    const samples = await withScheduling(stack, finished.map((f) => sampleOf(f.result, f.id)));
    levels[policy] = Object.fromEntries(samples.map((s) => [s.requestId!, s.scheduling!.priority]));
    await attachScenarioMetrics(testInfo, 'Agent threads behind a long-running thread', samples, {
      mode: policy.toUpperCase(),
      totalDurationMs: performance.now() - started,
      extra: { completionOrder: orders[policy] },
    });
    await stopStack(stack);
  }
  // PLAS ranks the program as a whole: one queue, arrival order. ATLAS ranks each thread by
  // its critical path: "fresh" has none, "child" inherits "long"'s, so both wait behind it.
  expect(orders).toEqual({ plas: ['long-2', 'child-1', 'fresh-1'], atlas: ['fresh-1', 'long-2', 'child-1'] });
  expect(levels['atlas']!['fresh-1']).toBe(0);
  expect(levels['atlas']!['long-2']).toBeGreaterThan(0);
  // "child" inherits "long"'s critical path, which only grew while long-2 was served.
  expect(levels['atlas']!['child-1']).toBeGreaterThanOrEqual(levels['atlas']!['long-2']!);
  // PLAS: every call is dispatched at the level its whole program's attained service has
  // reached, so along the completion order a level never goes down (how far it goes up
  // depends on how long each call was served), and the blocker already put it above 0.
  const plasLevels = orders['plas']!.map((id) => levels['plas']![id]!);
  expect(plasLevels).toEqual([...plasLevels].sort((a, b) => a - b));
  expect(plasLevels[0]).toBeGreaterThan(0);
});
