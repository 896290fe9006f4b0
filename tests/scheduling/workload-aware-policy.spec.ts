// The workload-aware policy in-process: score ordering, wait boost, rate penalty, the
// registry seen through snapshot(), and the [WA-ROUTING] log points per request.

import { expect, test } from '@playwright/test';
import { createWorkloadAwareScheduler } from '../../stack/frontend/scheduler/workload-aware.ts';
import { completion, dispatchOrder, queued } from './support/queued-request.ts';
import { LIFECYCLE } from './support/wa-log-points.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

function scheduler(opts: Record<string, number> = {}) {
  const lines: string[] = [];
  return { s: createWorkloadAwareScheduler(opts, (line) => lines.push(line)), lines };
}

const inWorkload = (id: string, workloadId: string, criticality: number) => queued(id, { workload: { workloadId, criticality } });

test.describe('workload-aware scheduler', () => {
  test('higher criticality goes first: high > medium > low', tags, () => {
    const { s } = scheduler();
    s.enqueue(inWorkload('low', 'batch', 1), 0);
    s.enqueue(inWorkload('medium', 'default', 3), 0);
    s.enqueue(inWorkload('high', 'interactive', 5), 0);
    expect(dispatchOrder(s, 0)).toEqual(['high', 'medium', 'low']);
  });

  test('a long wait lifts a low-criticality request over a fresh medium one', tags, () => {
    const order = (lowArrivesAt: number) => {
      const { s } = scheduler({ 'wait-norm-ms': 1_000 });
      s.enqueue(inWorkload('low', 'batch', 1), lowArrivesAt);
      s.enqueue(inWorkload('medium', 'chat', 3), 1_000);
      return dispatchOrder(s, 1_000);
    };
    expect(order(1_000)).toEqual(['medium', 'low']);
    expect(order(0)).toEqual(['low', 'medium']);
  });

  test('a workload with a lower request rate is favoured at equal criticality', tags, () => {
    const { s } = scheduler();
    for (let i = 0; i < 5; i++) s.enqueue(inWorkload(`busy-${i}`, 'busy', 3), 0);
    s.enqueue(inWorkload('quiet-0', 'quiet', 3), 0);
    expect(dispatchOrder(s, 0)[0]).toBe('quiet-0');
  });

  test('requests of one workload leave in arrival order', tags, () => {
    const { s } = scheduler();
    for (const id of ['a', 'b', 'c']) s.enqueue(inWorkload(id, 'w', 2), 0);
    expect(dispatchOrder(s, 5)).toEqual(['a', 'b', 'c']);
  });

  test('every request leaves each [WA-ROUTING] log point with its request id', tags, () => {
    const { s, lines } = scheduler();
    for (const id of ['r1', 'r2']) s.enqueue(inWorkload(id, 'w', 4), 0);
    for (let r = s.next(1); r; r = s.next(1)) {
      s.dispatched(r, 'worker-a', 1);
      s.completed(r, completion(5), 6);
    }
    for (const id of ['r1', 'r2']) {
      const mine = lines.filter((l) => l.includes(`request_id=${id} `) || l.endsWith(`request_id=${id}`));
      expect(mine.map((l) => l.match(/^\[WA-ROUTING\] ([A-Za-z ]+?) request_id=/)?.[1])).toEqual([...LIFECYCLE]);
    }
    expect(lines).toContain('[WA-ROUTING] Request dispatched request_id=r2 workload_id=w worker_id=worker-a queue_size=0');
    expect(lines.find((l) => l.includes('Priority score computed request_id=r1'))).toMatch(
      /workload_id=w criticality=4 avg_wait_time_sec=0\.0010 request_rate=0\.2000 normalized_crit=0\.7500 normalized_wait=0\.0002 normalized_rate=1 final_score=0\.2251$/,
    );
  });

  test('snapshot holds per-workload activity, rate, wait and the last score', tags, () => {
    const { s } = scheduler({ 'rate-window-ms': 1_000 });
    s.enqueue(inWorkload('a', 'w', 5), 0);
    s.enqueue(inWorkload('b', 'w', 5), 0);
    const a = s.next(100)!;
    s.dispatched(a, 'x', 100);
    s.completed(a, { serviceMs: 10, completionTokens: 1, ok: false }, 110);
    expect(s.snapshot(200)).toMatchObject({
      policy: 'workload-aware',
      size: 1,
      workloads: {
        w: {
          criticality: 5,
          active: 1,
          queued: 1,
          queuedAvgWaitMs: 200,
          total: 2,
          dispatched: 1,
          completed: 0,
          failed: 1,
          requestRate: 2,
          avgWaitMs: 100,
          lastScore: { criticality: 5, normalizedCrit: 1, avgWaitMs: 100 },
        },
      },
    });
  });

  test('a withdrawn request releases its workload slot', tags, () => {
    const { s, lines } = scheduler();
    s.enqueue(inWorkload('gone', 'w', 3), 0);
    expect(s.remove('gone')).toBe(true);
    expect(s.next(1)).toBeUndefined();
    expect(s.snapshot(1)).toMatchObject({ size: 0, workloads: { w: { active: 0, queued: 0, total: 1 } } });
    expect(lines.at(-1)).toBe('[WA-ROUTING] Workload active decremented request_id=gone workload_id=w active_requests=0');
  });

  test('weights are options; unknown options are refused', tags, () => {
    const { s } = scheduler({ 'weight-criticality': 0, 'weight-rate': 0 });
    s.enqueue(inWorkload('old-low', 'a', 1), 0);
    s.enqueue(inWorkload('new-high', 'b', 5), 10);
    expect(dispatchOrder(s, 10)).toEqual(['old-low', 'new-high']);
    expect(() => scheduler({ 'weight-speed': 1 })).toThrow(/--scheduler workload-aware: unknown option\(s\) weight-speed/);
    expect(() => scheduler({ 'weight-wait': -1 })).toThrow(/option weight-wait/);
  });
});
