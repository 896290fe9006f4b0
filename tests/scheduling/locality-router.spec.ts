// The Autellix locality rule in-process: short prompts to the least-loaded worker, long
// prompts back to the worker holding their program's cache.

import { expect, test } from '@playwright/test';
import { parseConfig } from '../../stack/frontend/config.ts';
import { createRouter } from '../../stack/frontend/routing/create-router.ts';
import { LocalityRouter } from '../../stack/frontend/routing/locality.ts';
import type { RoutingRequest, WorkerView } from '../../stack/frontend/routing/router.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

function worker(id: string, inFlight: number): WorkerView {
  return {
    registration: { id, model: 'mock', role: 'agg', httpUrl: 'http://127.0.0.1:1', maxNumSeqs: 4, maxWaiting: 8, blockSize: 16, pid: 1, startedAt: 0 },
    inFlight,
    cachedBlocks: new Set(),
  };
}

const request = (tokens: number, programId?: string): RoutingRequest => ({
  requestId: 'r',
  promptTokens: new Array<number>(tokens).fill(1),
  blockHashes: [],
  ...(programId === undefined ? {} : { programId }),
});

test.describe('locality router', () => {
  test('prompts up to the threshold go to the least-loaded worker', tags, () => {
    const router = new LocalityRouter(2048);
    const workers = [worker('a', 2), worker('b', 0), worker('c', 1)];
    expect(router.pick(request(2048, 'p'), workers)).toMatchObject({ workerId: 'b', decision: 'locality_short_prompt' });
    expect(router.pick(request(10, 'p'), [worker('a', 2), worker('b', 3), worker('c', 1)]).workerId).toBe('c');
  });

  test('long prompts of a program stick to the worker that holds its cache', tags, () => {
    const router = new LocalityRouter(2048);
    const first = router.pick(request(2049, 'p'), [worker('a', 1), worker('b', 0)]);
    expect(first).toMatchObject({ workerId: 'b', decision: 'locality_new_holder' });
    const again = router.pick(request(3000, 'p'), [worker('a', 0), worker('b', 3)]);
    expect(again).toEqual({ workerId: 'b', decision: 'locality_hit', reason: 'locality: cache holder of program p' });
    expect(router.pick(request(3000, 'other'), [worker('a', 0), worker('b', 3)]).workerId).toBe('a');
  });

  test('a full holder sends the request elsewhere without losing the holder', tags, () => {
    const router = new LocalityRouter(100);
    router.pick(request(200, 'p'), [worker('a', 0)]);
    const spill = router.pick(request(200, 'p'), [worker('b', 0), worker('c', 1)]);
    expect(spill).toMatchObject({ workerId: 'b', decision: 'locality_holder_full' });
    expect(spill.reason).toMatch(/^locality: cache holder a full; least-loaded/);
    expect(router.pick(request(200, 'p'), [worker('a', 2), worker('b', 0)]).workerId).toBe('a');
  });

  test('long prompts without a program id have no holder and balance by load', tags, () => {
    const router = new LocalityRouter(100);
    router.pick(request(200), [worker('a', 0)]);
    expect(router.pick(request(200), [worker('a', 1), worker('b', 0)])).toMatchObject({ workerId: 'b', decision: 'locality_no_program' });
  });

  test('--locality-threshold-tokens reaches the router (default 2048)', tags, () => {
    expect(parseConfig([], {}).localityThresholdTokens).toBe(2048);
    const { localityThresholdTokens } = parseConfig(['--locality-threshold-tokens', '10'], {});
    const router = createRouter('locality', () => {}, { localityThresholdTokens });
    router.pick(request(11, 'p'), [worker('a', 0)]);
    expect(router.pick(request(11, 'p'), [worker('a', 1), worker('b', 0)]).workerId).toBe('a');
    expect(() => parseConfig(['--locality-threshold-tokens', '-1'], {})).toThrow(/--locality-threshold-tokens/);
  });
});
