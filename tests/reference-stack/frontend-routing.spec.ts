// Routers and the dispatch loop in-process: distribution claims and waiting semantics.

import { expect, test } from '@playwright/test';
import type { WorkerRegistration, WorkerRole } from '../../protocol/messages.ts';
import { blockHashes } from '../../protocol/kv-blocks.ts';
import { WorkerRegistry } from '../../stack/frontend/discovery/worker-registry.ts';
import { Dispatcher, type Placement, type PlacementRequest } from '../../stack/frontend/dispatch/dispatcher.ts';
import { createRouter } from '../../stack/frontend/routing/create-router.ts';
import type { Router, RoutingRequest, WorkerView } from '../../stack/frontend/routing/router.ts';
import { FcfsScheduler } from '../../stack/frontend/scheduler/fcfs.ts';
import type { Scheduler } from '../../stack/frontend/scheduler/scheduler.ts';
import { createWorkloadAwareScheduler } from '../../stack/frontend/scheduler/workload-aware.ts';

const tags = { tag: ['@e2e', '@reference-stack', '@scheduling'] };
const noLog = (): void => {};

function registration(id: string, extra: Partial<WorkerRegistration> = {}): WorkerRegistration {
  return { id, model: 'm', role: 'agg', httpUrl: '', maxNumSeqs: 2, maxWaiting: 8, blockSize: 2, pid: 0, startedAt: 0, ...extra };
}

function view(id: string, inFlight = 0, cached: string[] = []): WorkerView {
  return { registration: registration(id), inFlight, cachedBlocks: new Set(cached) };
}

function routingRequest(requestId: string, promptTokens: number[] = [1, 2, 3, 4, 5, 6]): RoutingRequest {
  return { requestId, promptTokens, blockHashes: blockHashes(promptTokens, 2) };
}

function picks(mode: string, workers: WorkerView[], n: number): string[] {
  const router = createRouter(mode, noLog);
  return Array.from({ length: n }, (_, i) => router.pick(routingRequest(`r${i}`), workers).workerId);
}

test.describe('routers', () => {
  test('round-robin alternates between workers, whatever order they are listed in', tags, () => {
    expect(picks('round-robin', [view('b'), view('a')], 6)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  test('round-robin continues after the last pick when a worker drops out of the candidates', tags, () => {
    const router = createRouter('round-robin', noLog);
    const a = view('a');
    const b = view('b');
    const c = view('c');
    expect(router.pick(routingRequest('1'), [a, b, c]).workerId).toBe('a');
    expect(router.pick(routingRequest('2'), [a, c]).workerId).toBe('c');
    expect(router.pick(routingRequest('3'), [a, b, c]).workerId).toBe('a');
  });

  test('least-loaded picks the worker with the fewest in-flight requests and rotates ties', tags, () => {
    expect(picks('least-loaded', [view('a', 3), view('b', 1), view('c', 2)], 3)).toEqual(['b', 'b', 'b']);
    expect(picks('least-loaded', [view('a', 1), view('b', 1), view('c', 4)], 4)).toEqual(['a', 'b', 'a', 'b']);
  });

  test('kv picks the worker with the longest cached prefix, not the most cached blocks', tags, () => {
    const [h0, h1, h2] = blockHashes([1, 2, 3, 4, 5, 6], 2);
    const other = blockHashes([9, 9, 3, 4, 5, 6], 2);
    const workers = [view('a', 0, [h0!]), view('b', 1, [h0!, h1!]), view('c', 0, [...other, h2!])];
    const decision = createRouter('kv', noLog).pick(routingRequest('r'), workers);
    expect(decision.workerId).toBe('b');
    expect(decision.reason).toContain('overlap_blocks=2/3');
  });

  test('kv breaks prefix ties by load', tags, () => {
    const [h0] = blockHashes([1, 2, 3, 4, 5, 6], 2);
    expect(picks('kv', [view('a', 2, [h0!]), view('b', 0, [h0!]), view('c', 0)], 2)).toEqual(['b', 'b']);
  });

  test('random reaches every worker', tags, () => {
    expect(new Set(picks('random', [view('a'), view('b'), view('c')], 200))).toEqual(new Set(['a', 'b', 'c']));
  });
});

test.describe('dispatch loop', () => {
  function setup(
    workers: Array<[string, WorkerRole, number]>,
    router: Router = createRouter('round-robin', noLog),
    scheduler: Scheduler = new FcfsScheduler(),
  ) {
    const registry = new WorkerRegistry(1);
    for (const [id, role, maxNumSeqs] of workers) registry.upsert(registration(id, { role, maxNumSeqs }));
    const dispatcher = new Dispatcher(registry, scheduler, router, 3, () => {});
    const request = (id: string, phase: PlacementRequest['phase'] = 'entry', exclude: string[] = []): PlacementRequest => ({
      queued: { requestId: id, arrivalMs: 0, promptTokens: 6, maxTokens: 4, workload: { workloadId: 'default', criticality: 3 } },
      routing: routingRequest(id),
      model: 'm',
      phase,
      exclude: new Set(exclude),
    });
    return { registry, scheduler, dispatcher, request };
  }
  const settled = async (p: Promise<Placement>) => {
    let state: string = 'waiting';
    p.then((pl) => (state = pl.worker.registration.id), (e: Error) => (state = `rejected: ${e.message}`));
    await new Promise((r) => setImmediate(r));
    return state;
  };

  test('requests wait in the frontend while every worker is at max-num-seqs, then leave in arrival order', tags, async () => {
    const { dispatcher, request, registry } = setup([['w1', 'agg', 1]]);
    const first = dispatcher.admit(request('r1'));
    const second = dispatcher.admit(request('r2'));
    const third = dispatcher.admit(request('r3'));
    expect(await settled(first)).toBe('w1');
    expect(await settled(second)).toBe('waiting');
    expect(dispatcher.queueDepth).toBe(2);
    dispatcher.release(registry.get('w1')!, routingRequest('done'));
    expect(await settled(second)).toBe('w1');
    expect(await settled(third)).toBe('waiting');
  });

  test('a full queue is refused with 503 instead of growing', tags, async () => {
    const { dispatcher, request } = setup([['w1', 'agg', 1]]);
    for (const id of ['r1', 'r2', 'r3', 'r4']) void dispatcher.admit(request(id)).catch(() => {});
    await expect(dispatcher.admit(request('r5'))).rejects.toMatchObject({ status: 503, message: /queue is full/ });
  });

  test('a withdrawn request leaves the queue and is never dispatched', tags, async () => {
    const { dispatcher, request, registry, scheduler } = setup([['w1', 'agg', 1]]);
    void dispatcher.admit(request('r1'));
    const gone = dispatcher.admit(request('r2'));
    const third = dispatcher.admit(request('r3'));
    expect(dispatcher.withdraw('r2')).toBe(true);
    expect(scheduler.size).toBe(1);
    dispatcher.release(registry.get('w1')!, routingRequest('done'));
    expect(await settled(third)).toBe('w1');
    expect(await settled(gone)).toBe('waiting');
  });

  test('queued requests fail with 503 when the last worker goes away', tags, async () => {
    const { dispatcher, request, registry } = setup([['w1', 'agg', 1]]);
    void dispatcher.admit(request('r1'));
    const waiting = dispatcher.admit(request('r2'));
    registry.remove('w1');
    expect(await settled(waiting)).toMatch(/rejected: no worker left/);
  });

  test.describe('a request the scheduler handed out that never reaches a worker still ends in the scheduler', () => {
    /** Workload-aware counts a request as active from enqueue until the scheduler hears it ended. */
    const workloadAware = () => {
      const scheduler = createWorkloadAwareScheduler({}, noLog);
      const counts = () => {
        const { active, failed } = (scheduler.snapshot(Date.now()).workloads as Record<string, { active: number; failed: number }>)['default']!;
        return { active, failed };
      };
      return { scheduler, counts };
    };

    test('queued requests rejected because the last worker went away', tags, async () => {
      const { scheduler, counts } = workloadAware();
      const { dispatcher, request, registry } = setup([['w1', 'agg', 1]], undefined, scheduler);
      void dispatcher.admit(request('r1'));
      const waiting = dispatcher.admit(request('r2'));
      registry.remove('w1');
      expect(await settled(waiting)).toMatch(/rejected: no worker left/);
      expect(counts()).toEqual({ active: 1, failed: 1 });
    });

    test('a request for a model no worker serves', tags, async () => {
      const { scheduler, counts } = workloadAware();
      const { dispatcher, request } = setup([['w1', 'agg', 1]], undefined, scheduler);
      expect(await settled(dispatcher.admit({ ...request('r1'), model: 'other' }))).toMatch(/rejected: no worker left for model "other"/);
      expect(counts()).toEqual({ active: 0, failed: 1 });
    });

    test('a request withdrawn while it waits for its model\'s workers', tags, async () => {
      const { scheduler, counts } = workloadAware();
      const { dispatcher, request, registry } = setup([['w1', 'agg', 1]], undefined, scheduler);
      registry.upsert(registration('o1', { model: 'other', maxNumSeqs: 1 }));
      void dispatcher.admit(request('r1'));
      // o1 has room, so the scheduler hands r2 out; r2's own model has none and it waits.
      const waiting = dispatcher.admit(request('r2'));
      expect(scheduler.size).toBe(0);
      expect(await settled(waiting)).toBe('waiting');
      expect(dispatcher.withdraw('r2')).toBe(true);
      expect(counts()).toEqual({ active: 1, failed: 1 });
    });
  });

  test('migrations skip the workers that broke the request and go before new requests', tags, async () => {
    const { dispatcher, request, registry } = setup([['w1', 'agg', 1], ['w2', 'agg', 1]]);
    void dispatcher.admit(request('r1'));
    void dispatcher.admit(request('r2'));
    const fresh = dispatcher.admit(request('r3'));
    const migrated = dispatcher.place(request('r1', 'entry', ['w1']));
    dispatcher.release(registry.get('w1')!, routingRequest('done'));
    expect(await settled(migrated)).toBe('waiting');
    expect(await settled(fresh)).toBe('w1');
    dispatcher.release(registry.get('w2')!, routingRequest('done'));
    expect(await settled(migrated)).toBe('w2');
    await expect(dispatcher.place(request('r9', 'entry', ['w1', 'w2']))).rejects.toMatchObject({ status: 503 });
  });

  test('the router hears when a request is released from its worker', tags, async () => {
    const released: string[] = [];
    const spy: Router = {
      mode: 'spy',
      pick: (_r, candidates) => ({ workerId: candidates[0]!.registration.id, decision: 'round_robin', reason: 'first' }),
      completed: (r, workerId) => released.push(`${r.requestId}@${workerId}`),
    };
    const { dispatcher, request } = setup([['w1', 'agg', 1]], spy);
    const placement = await dispatcher.admit(request('r1'));
    dispatcher.release(placement.worker, request('r1').routing);
    expect(released).toEqual(['r1@w1']);
    expect(placement.worker.inFlight).toBe(0);
  });

  test('disaggregated: new requests go to prefill workers, decode phases to decode workers', tags, async () => {
    const { dispatcher, request } = setup([['d1', 'decode', 4], ['p1', 'prefill', 4]]);
    const prefill = await dispatcher.admit(request('r1'));
    expect([prefill.worker.registration.id, prefill.phase]).toEqual(['p1', 'prefill']);
    const decode = await dispatcher.place(request('r1', 'decode'));
    expect([decode.worker.registration.id, decode.phase]).toEqual(['d1', 'decode']);
  });
});
