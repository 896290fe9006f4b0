// PLAS and ATLAS re-derive only the queued calls whose level could have changed; this
// replays seeded random histories (arrivals, dispatches, completions that run long or
// short, withdrawals, time passing) against the eager oracle that re-ranks every call on
// every pass, and requires the same dispatch order, levels, promotions and demotions.

import { expect, test } from '@playwright/test';
import { criticalPathService } from '../../stack/frontend/scheduler/atlas.ts';
import { type MultiLevelParams, MultiLevelQueueScheduler, type ServiceMeasure } from '../../stack/frontend/scheduler/multi-level-queue.ts';
import { programService } from '../../stack/frontend/scheduler/plas.ts';
import { DEFAULT_MAX_PROGRAMS } from '../../stack/frontend/scheduler/process-table.ts';
import type { QueuedRequest } from '../../stack/frontend/scheduler/scheduler.ts';
import { seededRandom } from '../../workloads/arrival/random.ts';
import { EagerMultiLevelQueue, type EagerState } from './support/eager-multi-level-queue.ts';
import { completion, queued } from './support/queued-request.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

const DAG: ReadonlyArray<{ thread: string; parents: string[] }> = [
  { thread: 'plan', parents: [] },
  { thread: 'left', parents: ['plan'] },
  { thread: 'right', parents: ['plan'] },
  { thread: 'agg', parents: ['left', 'right'] },
];

function stateOf(s: MultiLevelQueueScheduler, nowMs: number): EagerState {
  const snap = s.snapshot(nowMs) as unknown as EagerState;
  return {
    demotions: snap.demotions,
    promotions: snap.promotions,
    queued: snap.queued.map(({ requestId, level, promoted }) => ({ requestId, level, promoted })),
  };
}

/** What each implementation did, one line per observable step, so a seed is one comparison. */
interface Transcripts {
  lazy: string[];
  eager: string[];
}

function replay(seed: number, measure: ServiceMeasure, params: MultiLevelParams): Transcripts {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const lazy = new MultiLevelQueueScheduler('under-test', params, measure);
  const eager = new EagerMultiLevelQueue(params, measure);
  const out: Transcripts = { lazy: [], eager: [] };
  const record = (step: string, lazyResult: unknown, eagerResult: unknown) => {
    out.lazy.push(`${step}: ${JSON.stringify(lazyResult)}`);
    out.eager.push(`${step}: ${JSON.stringify(eagerResult)}`);
  };
  const running = new Map<string, { request: QueuedRequest; startMs: number }>();
  const waiting: string[] = [];
  let nowMs = 0;
  for (let step = 0; step < 400; step++) {
    const where = `step ${step} t=${nowMs}`;
    const roll = random();
    if (roll < 0.35) {
      const node = pick(DAG);
      const programId = random() < 0.1 ? undefined : `p${Math.floor(random() * 4)}`;
      const request = queued(`r${step}`, { programId, threadId: node.thread, parentThreadIds: node.parents });
      lazy.enqueue(request, nowMs);
      eager.enqueue(request, nowMs);
      waiting.push(request.requestId);
    } else if (roll < 0.6) {
      const a = lazy.next(nowMs);
      const b = eager.next(nowMs);
      record(`${where} next`, a?.requestId, b?.requestId);
      if (a) {
        waiting.splice(waiting.indexOf(a.requestId), 1);
        lazy.dispatched(a, 'w0', nowMs);
        eager.dispatched(a, nowMs);
        running.set(a.requestId, { request: a, startMs: nowMs });
      }
    } else if (roll < 0.8 && running.size > 0) {
      const call = pick([...running.values()]);
      running.delete(call.request.requestId);
      // Reported service is close to the wall time on the worker, now and then well off it.
      const serviceMs = Math.max(0, nowMs - call.startMs + (random() < 0.2 ? Math.floor(random() * 60) - 30 : 0));
      lazy.completed(call.request, completion(serviceMs), nowMs);
      eager.completed(call.request, completion(serviceMs), nowMs);
    } else if (roll < 0.85 && waiting.length > 0) {
      const id = pick(waiting);
      waiting.splice(waiting.indexOf(id), 1);
      record(`${where} remove ${id}`, lazy.remove(id), eager.remove(id));
    } else if (roll < 0.9) {
      record(`${where} state`, stateOf(lazy, nowMs), eager.state(nowMs));
    }
    nowMs += pick([0, 0, 1, 3, 7, 15, 40]);
  }
  record('end state', stateOf(lazy, nowMs), eager.state(nowMs));
  return out;
}

const measures: Record<string, ServiceMeasure> = { plas: programService, atlas: criticalPathService };

for (const [policy, measure] of Object.entries(measures)) {
  test(`${policy}: re-deriving only what changed orders calls as re-ranking everything does`, tags, () => {
    for (let seed = 1; seed <= 60; seed++) {
      const params = { quantumMs: 10, numQueues: 1 + (seed % 6), starvationBeta: [0, 0.5, 1, 2, 4][seed % 5]!, maxPrograms: DEFAULT_MAX_PROGRAMS, programIdleMs: 0 };
      const { lazy, eager } = replay(seed, measure, params);
      expect(lazy, `seed ${seed}, ${JSON.stringify(params)}`).toEqual(eager);
    }
  });
}
