// PLAS and ATLAS in-process, against the Scheduler interface: ordering, demotion,
// anti-starvation and the process table seen through snapshot().

import { expect, test } from '@playwright/test';
import { createAtlasScheduler } from '../../stack/frontend/scheduler/atlas.ts';
import { createScheduler } from '../../stack/frontend/scheduler/create-scheduler.ts';
import { createPlasScheduler } from '../../stack/frontend/scheduler/plas.ts';
import { dispatchOrder, queued, serve } from './support/queued-request.ts';

const tags = { tag: ['@e2e', '@scheduling'] };
const noLog = (): void => {};

test.describe('PLAS', () => {
  test('the Autellix example: a short program overtakes a long one that arrived first', tags, () => {
    const build = (policy: string) => {
      const s = createScheduler(policy, { 'quantum-ms': 10 }, noLog);
      serve(s, queued('long-1', { programId: 'long' }), 0, 400);
      s.enqueue(queued('long-2', { programId: 'long' }), 400);
      s.enqueue(queued('short-1', { programId: 'short' }), 401);
      return s;
    };
    expect(dispatchOrder(build('plas'), 402)).toEqual(['short-1', 'long-2']);
    expect(dispatchOrder(build('fcfs'), 402)).toEqual(['long-2', 'short-1']);
  });

  test('programs in the same queue leave in arrival order', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 100 });
    serve(s, queued('a-0', { programId: 'a' }), 0, 30);
    for (const id of ['b-1', 'a-1', 'c-1']) s.enqueue(queued(id, { programId: id.split('-')[0] }), 50);
    expect(dispatchOrder(s, 60)).toEqual(['b-1', 'a-1', 'c-1']);
  });

  test('time a program spends running counts as service before its call completes', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10 });
    s.enqueue(queued('busy-1', { programId: 'busy' }), 0);
    s.dispatched(s.next(0)!, 'w0', 0);
    s.enqueue(queued('busy-2', { programId: 'busy' }), 100);
    s.enqueue(queued('fresh-1', { programId: 'fresh' }), 101);
    expect(dispatchOrder(s, 102)).toEqual(['fresh-1', 'busy-2']);
  });

  test('a waiting call is demoted when its program attains more service', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10, 'num-queues': 4 });
    s.enqueue(queued('p-1', { programId: 'p' }), 0);
    const running = s.next(0)!;
    s.dispatched(running, 'w0', 0);
    s.enqueue(queued('p-2', { programId: 'p' }), 0);
    s.completed(running, { serviceMs: 45, completionTokens: 10, ok: true }, 45);
    const snap = s.snapshot(45) as { demotions: number; queues: { level: number; depth: number }[]; queued: { level: number }[] };
    expect(snap.demotions).toBe(1);
    expect(snap.queued[0]!.level).toBe(3);
    expect(snap.queues.map((q) => q.depth)).toEqual([0, 0, 0, 1]);
  });

  test('levels double per queue and stop at the last queue', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10, 'num-queues': 4 });
    expect([0, 9.9, 10, 19, 20, 39, 40, 10_000].map((ms) => s.levelFor(ms))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  test('anti-starvation promotes a long program once it has waited beta times its service', tags, () => {
    const scenario = (beta: number) => {
      const s = createPlasScheduler({ 'quantum-ms': 10, 'starvation-beta': beta });
      serve(s, queued('long-1', { programId: 'long' }), 0, 100);
      s.enqueue(queued('long-2', { programId: 'long' }), 100);
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        const now = 100 + i * 50;
        s.enqueue(queued(`short-${i}`, { programId: `short-${i}` }), now);
        order.push(s.next(now)!.requestId);
      }
      return { order, promotions: (s.snapshot(400) as { promotions: number }).promotions };
    };
    const withBeta = scenario(2);
    // long-2 waited 200 ms = 2 × its program's 100 ms of service at t = 300 (i = 4).
    expect(withBeta.order).toEqual(['short-0', 'short-1', 'short-2', 'short-3', 'long-2', 'short-4']);
    expect(withBeta.promotions).toBe(1);
    const off = scenario(0);
    expect(off.order).not.toContain('long-2');
    expect(off.promotions).toBe(0);
  });

  test('snapshot reports per-program service and the queued calls', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10 });
    serve(s, queued('chat-1', { programId: 'chat' }), 0, 30);
    serve(s, queued('chat-2', { programId: 'chat' }), 30, 20);
    s.enqueue(queued('chat-3', { programId: 'chat' }), 60);
    const snap = s.snapshot(70) as Record<string, unknown>;
    expect(snap).toMatchObject({
      policy: 'plas',
      size: 1,
      dispatched: 2,
      completed: 2,
      params: { quantumMs: 10, numQueues: 8, starvationBeta: 4, maxPrograms: 10_000 },
      programs: { chat: { serviceMs: 50, completedCalls: 2, queued: 1, running: 0 } },
      queued: [{ requestId: 'chat-3', programId: 'chat', serviceMs: 50, level: 3, waitedMs: 10 }],
    });
  });

  test('withdrawing a queued call leaves the process table consistent', tags, () => {
    const s = createPlasScheduler({});
    s.enqueue(queued('gone', { programId: 'p' }), 0);
    expect(s.remove('gone')).toBe(true);
    expect(s.remove('gone')).toBe(false);
    expect(s.size).toBe(0);
    expect(s.snapshot(1)).toMatchObject({ programs: { p: { queued: 0, running: 0 } } });
  });

  test('the request ledger records the level each call left from, its wait, worker, service and thread', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10 });
    serve(s, queued('chat-1', { programId: 'chat', arrivalMs: 0 }), 0, 30);
    s.enqueue(queued('chat-2', { programId: 'chat', arrivalMs: 30 }), 30);
    s.enqueue(queued('solo', { arrivalMs: 31 }), 31);
    const second = s.next(40)!;
    s.dispatched(second, 'w1', 45);
    s.completed(second, { serviceMs: 12, completionTokens: 7, ok: true }, 57);
    const third = s.next(57)!;
    expect([second.requestId, third.requestId]).toEqual(['solo', 'chat-2']);
    s.dispatched(third, 'w2', 60);
    const { requests } = s.snapshot(61) as { requests: unknown[] };
    expect(requests).toEqual([
      { requestId: 'chat-1', programId: 'chat', threadId: 'main', priority: 0, promoted: false, workerId: 'w0', waitingMs: 0, serviceMs: 30, completionTokens: 16, ok: true },
      { requestId: 'solo', programId: null, threadId: null, priority: 0, promoted: false, workerId: 'w1', waitingMs: 14, serviceMs: 12, completionTokens: 7, ok: true },
      // Still running: 30 ms of program service put it in queue 2 (20 ≤ 30 < 40).
      { requestId: 'chat-2', programId: 'chat', threadId: 'main', priority: 2, promoted: false, workerId: 'w2', waitingMs: 30, serviceMs: null, completionTokens: null, ok: null },
    ]);
  });

  test('the ledger reports a promoted call as dispatched from queue 0, and FCFS reports no priority', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10, 'starvation-beta': 1 });
    serve(s, queued('long-1', { programId: 'long' }), 0, 100);
    s.enqueue(queued('long-2', { programId: 'long', arrivalMs: 100 }), 100);
    s.enqueue(queued('short-1', { programId: 'short', arrivalMs: 150 }), 150);
    expect(s.next(200)!.requestId).toBe('long-2');
    const { requests } = s.snapshot(200) as { requests: { requestId: string; priority: number; promoted: boolean }[] };
    expect(requests.at(-1)).toMatchObject({ requestId: 'long-2', priority: 0, promoted: true });

    const fcfs = createScheduler('fcfs', {}, noLog);
    serve(fcfs, queued('f-1', { programId: 'p', threadId: 't' }), 0, 5);
    expect((fcfs.snapshot(5) as { requests: unknown[] }).requests).toEqual([
      { requestId: 'f-1', programId: 'p', threadId: 't', priority: null, promoted: false, workerId: 'w0', waitingMs: 0, serviceMs: 5, completionTokens: 16, ok: true },
    ]);
  });

  test('past max-programs the least recently active idle program is ended, a busy one never', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10, 'max-programs': 2 });
    s.enqueue(queued('busy-1', { programId: 'busy' }), 0);
    s.dispatched(s.next(0)!, 'w0', 0);
    serve(s, queued('old-1', { programId: 'old' }), 1, 50);
    serve(s, queued('new-1', { programId: 'new' }), 60, 5);
    const snap = s.snapshot(70) as { programs: Record<string, unknown>; evictedPrograms: number };
    expect(Object.keys(snap.programs)).toEqual(['busy', 'new']);
    expect(snap.evictedPrograms).toBe(1);
    // The ended session starts over: no attained service, so its next call is in queue 0.
    s.enqueue(queued('old-2', { programId: 'old' }), 80);
    expect(s.snapshot(80)).toMatchObject({ queued: [{ requestId: 'old-2', serviceMs: 0, level: 0 }] });
  });

  test('program-idle-ms ends a session idle that long; a program with a call on a worker never idles out', tags, () => {
    const s = createPlasScheduler({ 'quantum-ms': 10, 'program-idle-ms': 100 });
    s.enqueue(queued('busy-1', { programId: 'busy' }), 0);
    s.dispatched(s.next(0)!, 'w0', 0);
    serve(s, queued('a-1', { programId: 'a' }), 0, 10);
    serve(s, queued('b-1', { programId: 'b' }), 50, 10);
    const programsAt = (nowMs: number) => Object.keys((s.snapshot(nowMs) as { programs: Record<string, unknown> }).programs);
    expect(programsAt(109)).toEqual(['busy', 'a', 'b']);
    expect(programsAt(110)).toEqual(['busy', 'b']);
    expect(s.snapshot(160)).toMatchObject({ expiredPrograms: 2, evictedPrograms: 0 });
    expect(programsAt(1_000)).toEqual(['busy']);
    // A returning program starts over with no service.
    s.enqueue(queued('a-2', { programId: 'a' }), 1_000);
    expect(s.snapshot(1_000)).toMatchObject({ queued: [{ requestId: 'a-2', serviceMs: 0, level: 0 }] });
  });

  test('bad options stop the frontend with the policy and option named', tags, () => {
    expect(() => createPlasScheduler({ quantum: 5 })).toThrow(/--scheduler plas: unknown option\(s\) quantum \(known: quantum-ms, num-queues, starvation-beta, max-programs, program-idle-ms\)/);
    expect(() => createAtlasScheduler({ 'num-queues': 0 })).toThrow(/--scheduler atlas: option num-queues/);
    expect(() => createPlasScheduler({ 'quantum-ms': 'abc' })).toThrow(/option quantum-ms/);
  });
});

test.describe('ATLAS', () => {
  const research = (s: ReturnType<typeof createAtlasScheduler>) => {
    serve(s, queued('plan', { programId: 'agent', threadId: 'plan' }), 0, 100);
    serve(s, queued('r1-a', { programId: 'agent', threadId: 'r1', parentThreadIds: ['plan'] }), 100, 300);
  };

  test('the thread furthest behind on its critical path runs first', tags, () => {
    const atlas = createAtlasScheduler({ 'quantum-ms': 10 });
    research(atlas);
    atlas.enqueue(queued('r1-b', { programId: 'agent', threadId: 'r1', parentThreadIds: ['plan'] }), 400);
    atlas.enqueue(queued('r2-a', { programId: 'agent', threadId: 'r2', parentThreadIds: ['plan'] }), 401);
    expect(dispatchOrder(atlas, 402)).toEqual(['r2-a', 'r1-b']);

    // PLAS sees one program, so the same calls leave in arrival order.
    const plas = createPlasScheduler({ 'quantum-ms': 10 });
    serve(plas, queued('plan', { programId: 'agent' }), 0, 100);
    serve(plas, queued('r1-a', { programId: 'agent' }), 100, 300);
    plas.enqueue(queued('r1-b', { programId: 'agent' }), 400);
    plas.enqueue(queued('r2-a', { programId: 'agent' }), 401);
    expect(dispatchOrder(plas, 402)).toEqual(['r1-b', 'r2-a']);
  });

  test('critical path = longest chain of parent service through the DAG', tags, () => {
    const s = createAtlasScheduler({});
    research(s);
    serve(s, queued('r2-a', { programId: 'agent', threadId: 'r2', parentThreadIds: ['plan'] }), 400, 50);
    serve(s, queued('agg', { programId: 'agent', threadId: 'agg', parentThreadIds: ['r1', 'r2'] }), 450, 25);
    const snap = s.snapshot(500) as { programs: Record<string, { serviceMs: number; threads: Record<string, unknown> }> };
    expect(snap.programs['agent']!.serviceMs).toBe(475);
    expect(snap.programs['agent']!.threads).toEqual({
      plan: { serviceMs: 100, calls: 1, parents: [], criticalPathMs: 100 },
      r1: { serviceMs: 300, calls: 1, parents: ['plan'], criticalPathMs: 400 },
      r2: { serviceMs: 50, calls: 1, parents: ['plan'], criticalPathMs: 150 },
      agg: { serviceMs: 25, calls: 1, parents: ['r1', 'r2'], criticalPathMs: 425 },
    });
  });

  test('a cycle in client-supplied parent ids neither hangs nor throws', tags, () => {
    const s = createAtlasScheduler({});
    serve(s, queued('a', { programId: 'p', threadId: 'a', parentThreadIds: ['b'] }), 0, 10);
    serve(s, queued('b', { programId: 'p', threadId: 'b', parentThreadIds: ['a'] }), 10, 10);
    s.enqueue(queued('c', { programId: 'p', threadId: 'c', parentThreadIds: ['a', 'b'] }), 20);
    expect(dispatchOrder(s, 21)).toEqual(['c']);
  });
});
